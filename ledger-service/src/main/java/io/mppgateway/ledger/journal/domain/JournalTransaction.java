package io.mppgateway.ledger.journal.domain;

import java.time.Instant;
import java.util.List;

/** A journal transaction as stored. */
public record JournalTransaction(long id, JournalKind kind, String challengeId, String sourceEventId,
        Instant occurredAt, Instant postedAt, String description, List<Posting> postings) {
}
