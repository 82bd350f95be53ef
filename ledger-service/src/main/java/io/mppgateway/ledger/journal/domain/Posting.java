package io.mppgateway.ledger.journal.domain;

import java.util.Objects;

/** One line of a journal transaction: exactly one of debit and credit is positive, in base units. */
public record Posting(String account, long debit, long credit) {

    public Posting {
        Objects.requireNonNull(account, "account");
        if (account.isBlank()) {
            throw new IllegalArgumentException("posting account is blank");
        }
        if (debit < 0 || credit < 0) {
            throw new IllegalArgumentException("posting amounts must not be negative: " + account);
        }
        if ((debit > 0) == (credit > 0)) {
            throw new IllegalArgumentException("posting must have exactly one of debit or credit: " + account);
        }
    }

    public static Posting debit(String account, long amount) {
        return new Posting(account, amount, 0);
    }

    public static Posting credit(String account, long amount) {
        return new Posting(account, 0, amount);
    }
}
