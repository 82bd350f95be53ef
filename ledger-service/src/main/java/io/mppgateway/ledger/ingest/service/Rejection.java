package io.mppgateway.ledger.ingest.service;

/** An event that can never be booked, kept verbatim in rejected_events with the reason. */
public record Rejection(EventOrigin origin, String reason) {
}
