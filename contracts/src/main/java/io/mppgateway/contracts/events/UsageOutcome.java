package io.mppgateway.contracts.events;

/** What became of a settled call. */
public enum UsageOutcome {
    /** The upstream answered and the answer reached the buyer. */
    FULFILLED,
    /** The upstream failed after settlement; the payment is kept and redeemable. */
    UPSTREAM_FAILED,
    /** The buyer went away before the answer was delivered. */
    CLIENT_GONE,
    /** A previously unfulfilled payment was presented again and delivered. */
    REDEEMED,
    /**
     * The replica serving the call stopped before it reported an outcome (payment-service's reconciler writes this
     * after a timeout); nothing is known to have reached the buyer, so the charge stays redeemable and refundable.
     */
    ABANDONED
}
