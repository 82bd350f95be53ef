package io.mppgateway.ledger.ingest.service;

/** What the ledger did with one event (logged and counted). */
public enum IngestResult {
    /** Booked now. */
    APPLIED,
    /** Stored; booked when the charge's settlement arrives. */
    PENDING,
    /** The same event id was already processed (Kafka redelivery). */
    DUPLICATE,
    /** A new event id for a fact the ledger already has (e.g. a re-published settlement); nothing booked. */
    ALREADY_KNOWN,
    /** Can never be applied; kept in rejected_events. */
    REJECTED
}
