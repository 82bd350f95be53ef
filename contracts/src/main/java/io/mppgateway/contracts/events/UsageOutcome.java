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
    REDEEMED
}
