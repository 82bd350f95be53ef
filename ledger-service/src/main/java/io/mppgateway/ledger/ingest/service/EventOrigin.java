package io.mppgateway.ledger.ingest.service;

/** Where an event came from, kept with it if it has to be rejected. */
public record EventOrigin(String topic, int partition, long offset, String key, String payload) {
}
