package io.mppgateway.ledger.journal.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A journal transaction to be posted. Balance is checked by {@link #requireBalanced()} right before insert,
 * so that an unbalanced entry can be represented (and refused) rather than silently "fixed".
 */
public record JournalEntry(JournalKind kind, String challengeId, String sourceEventId, Instant occurredAt,
        String description, List<Posting> postings) {

    public JournalEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(challengeId, "challengeId");
        Objects.requireNonNull(sourceEventId, "sourceEventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(description, "description");
        postings = List.copyOf(postings);
    }

    public long totalDebit() {
        return postings.stream().mapToLong(Posting::debit).reduce(0L, Math::addExact);
    }

    public long totalCredit() {
        return postings.stream().mapToLong(Posting::credit).reduce(0L, Math::addExact);
    }

    /** @throws UnbalancedJournalException if there are fewer than two postings or debits != credits */
    public JournalEntry requireBalanced() {
        if (postings.size() < 2) {
            throw new UnbalancedJournalException(kind.dbValue() + " for " + challengeId + " needs at least two postings");
        }
        long debit = totalDebit();
        long credit = totalCredit();
        if (debit != credit) {
            throw new UnbalancedJournalException(kind.dbValue() + " for " + challengeId + " does not balance: debit "
                    + debit + " != credit " + credit);
        }
        return this;
    }
}
