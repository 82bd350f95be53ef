package io.mppgateway.payment.mpp;

import io.mppgateway.contracts.mpp.Challenge;

/** The MPP problem types this server emits, with their HTTP status (core spec §Error Codes). */
public enum PaymentProblem {
    PAYMENT_REQUIRED("payment-required", "Payment Required", 402),
    MALFORMED_CREDENTIAL("malformed-credential", "Malformed Credential", 402),
    INVALID_CHALLENGE("invalid-challenge", "Invalid Challenge", 402),
    PAYMENT_EXPIRED("payment-expired", "Payment Expired", 402),
    VERIFICATION_FAILED("verification-failed", "Verification Failed", 402),
    METHOD_UNSUPPORTED("method-unsupported", "Method Unsupported", 400),
    BAD_REQUEST("bad-request", "Bad Request", 400),
    /** Settled, but the provider has not said yet whether it delivered: never a 402, ask again shortly. */
    PAYMENT_IN_PROGRESS("payment-in-progress", "Payment In Progress", 409),
    NOT_FOUND("not-found", "Not Found", 404),
    /** A report that contradicts what is already recorded (e.g. FULFILLED after a refund). */
    OUTCOME_CONFLICT("outcome-conflict", "Outcome Conflict", 409),
    /** Refunds need the recipient wallet's key, which this deployment does not have. */
    REFUND_UNAVAILABLE("refund-unavailable", "Refund Unavailable", 503),
    /** The chain refused the refund transaction itself. */
    REFUND_FAILED("refund-failed", "Refund Failed", 502),
    /** The chain could not be asked; the outcome is unknown, so this is never a 402. */
    VERIFICATION_UNAVAILABLE("verification-unavailable", "Payment Verification Unavailable", 503),
    /**
     * The provider cannot call its upstream right now (its breaker is open): nothing was claimed or redeemed, so the
     * same credential is good after the Retry-After.
     */
    UPSTREAM_UNAVAILABLE("upstream-unavailable", "Upstream Unavailable", 503);

    public final String code;
    public final String title;
    public final int status;

    PaymentProblem(String code, String title, int status) {
        this.code = code;
        this.title = title;
        this.status = status;
    }

    public String type() {
        return io.mppgateway.contracts.payment.ProblemDetails.TYPE_BASE + code;
    }
}
