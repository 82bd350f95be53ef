package io.mppgateway.ledger.charge.domain;

import java.util.Locale;

/** Lifecycle of a charge in the ledger; stored and served lower-case. */
public enum ChargeStatus {
    /** Paid on chain, service not yet delivered: the amount sits in unearned liabilities. */
    SETTLED,
    /** Delivered (FULFILLED or REDEEMED usage): the amount became revenue. */
    FULFILLED,
    /** Paid but the call failed or the client left; the payment is kept and redeemable or refundable. */
    UNFULFILLED,
    /** Returned to the payer on chain. */
    REFUNDED;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ChargeStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
