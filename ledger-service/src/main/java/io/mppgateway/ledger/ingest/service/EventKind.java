package io.mppgateway.ledger.ingest.service;

/** Which contract a channel's records follow (the physical topic name may differ, e.g. in a test). */
public enum EventKind {
    SETTLEMENT, USAGE, REFUND
}
