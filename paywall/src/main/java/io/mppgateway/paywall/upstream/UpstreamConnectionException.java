package io.mppgateway.paywall.upstream;

/** No answer at all: the connection could not be made, or broke before the status line. Retried. */
public class UpstreamConnectionException extends RuntimeException {
    public UpstreamConnectionException(Throwable cause) {
        super("upstream connection failed: " + cause, cause);
    }
}
