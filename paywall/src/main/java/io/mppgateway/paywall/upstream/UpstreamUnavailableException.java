package io.mppgateway.paywall.upstream;

/** The upstream answered 429 or 5xx: failed so that the call is retried, and carried when retries run out. */
public class UpstreamUnavailableException extends RuntimeException {
    private final UpstreamAnswer answer;

    public UpstreamUnavailableException(UpstreamAnswer answer) {
        super("upstream answered " + answer.status(), null, false, false);
        this.answer = answer;
    }

    public UpstreamAnswer answer() {
        return answer;
    }
}
