package io.mppgateway.paywall.service;

/** The upstream answered 429 or 5xx; thrown so fault tolerance retries, and carried when retries run out. */
public class UpstreamUnavailableException extends RuntimeException {
    private final UpstreamResponse response;
    private final long retryAfterSeconds;

    public UpstreamUnavailableException(UpstreamResponse response) {
        this(response, -1);
    }

    /** @param retryAfterSeconds the upstream's Retry-After in seconds, or -1 when it sent none */
    public UpstreamUnavailableException(UpstreamResponse response, long retryAfterSeconds) {
        super("upstream answered " + response.status());
        this.response = response;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public UpstreamResponse response() {
        return response;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Delta-seconds form of Retry-After (what Mistral and xAI send); -1 for absent or an HTTP date. */
    public static long parseRetryAfter(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
