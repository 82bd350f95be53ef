package io.mppgateway.ledger.journal.domain;

import java.util.Locale;

/** Why a journal transaction was posted; stored lower-case in {@code journal_transactions.kind}. */
public enum JournalKind {
    SETTLEMENT, DELIVERY, UPSTREAM_COST, REFUND;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JournalKind fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
