package io.mppgateway.ledger.journal.domain;

import java.util.Locale;

/** Chart of accounts (ARCHITECTURE §6). Names are hierarchical, colon-separated, built from event values verbatim. */
public final class Accounts {
    private Accounts() {
    }

    /** The chain wallet that received the payment. */
    public static String wallet(String recipient) {
        return "assets:wallet:" + recipient;
    }

    /** Paid but not yet delivered: owed to the buyer as service or refund. */
    public static String unearned(String provider) {
        return "liabilities:unearned:" + provider;
    }

    public static String revenue(String provider, String model) {
        return "revenue:" + provider + ":" + model;
    }

    public static String upstreamExpense(String provider) {
        return "expenses:upstream:" + provider;
    }

    public static String upstreamPayable(String provider) {
        return "liabilities:upstream-payable:" + provider;
    }

    /**
     * What the buyers paid to a split recipient on the gateway's behalf (a partner's revenue share): a cost of the
     * charges. Lower-case, so that one recipient is one account whatever address casing the producer used.
     */
    public static String splitExpense(String splitRecipient) {
        return "expenses:splits:" + splitRecipient.toLowerCase(Locale.ROOT);
    }
}
