package io.mppgateway.ledger.journal.domain;

/** A journal transaction whose debits and credits differ; it must never be written. */
public class UnbalancedJournalException extends IllegalStateException {
    public UnbalancedJournalException(String message) {
        super(message);
    }
}
