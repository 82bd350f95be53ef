package io.mppgateway.payment.settlement.service;

/** A charge's status as stored (charges.status); the transitions are in payment-service/README.md. */
public enum ChargeStatus {
    PENDING, SETTLED, REDEEMING, FULFILLED, UNFULFILLED, REFUNDING, REFUNDED, FAILED;

    /** The stored name. */
    public String value() {
        return name().toLowerCase();
    }

    public static ChargeStatus of(String stored) {
        return valueOf(stored.toUpperCase());
    }
}
