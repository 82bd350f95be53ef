package io.mppgateway.paywall.upstream;

/**
 * A whole answer of the upstream API, read.
 *
 * @param retryAfterSeconds the upstream's Retry-After in seconds, or -1 when it sent none (or an HTTP date)
 */
public record UpstreamAnswer(int status, String contentType, byte[] body, long retryAfterSeconds) {

    public boolean successful() {
        return status >= 200 && status < 300;
    }

    /** 429 and 5xx are worth retrying before the first byte reaches the buyer. */
    public boolean retryable() {
        return retryable(status);
    }

    public static boolean retryable(int status) {
        return status == 429 || status >= 500;
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
