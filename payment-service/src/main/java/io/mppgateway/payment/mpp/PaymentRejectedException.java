package io.mppgateway.payment.mpp;

/** A credential that is refused, with the problem type the buyer gets and a detail that says why. */
public class PaymentRejectedException extends RuntimeException {
    private final PaymentProblem problem;
    private final String challengeId;
    /** The {@code WWW-Authenticate} value of a new challenge for the same purchase, for the buyer to pay instead. */
    private String freshChallenge;
    /** When to present the same credential again (a 409 or 503); 0: the default. */
    private long retryAfterSeconds;

    public PaymentRejectedException(PaymentProblem problem, String detail, String challengeId) {
        super(detail);
        this.problem = problem;
        this.challengeId = challengeId;
    }

    public PaymentRejectedException(PaymentProblem problem, String detail) {
        this(problem, detail, null);
    }

    public PaymentProblem problem() {
        return problem;
    }

    public String challengeId() {
        return challengeId;
    }

    public String freshChallenge() {
        return freshChallenge;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public PaymentRejectedException withRetryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public PaymentRejectedException withFreshChallenge(String wwwAuthenticate) {
        this.freshChallenge = wwwAuthenticate;
        return this;
    }
}
