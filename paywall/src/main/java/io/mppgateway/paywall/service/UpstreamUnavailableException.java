package io.mppgateway.paywall.service;

/** The upstream answered 429 or 5xx; thrown so fault tolerance retries, and carried when retries run out. */
public class UpstreamUnavailableException extends RuntimeException {
    private final UpstreamResponse response;

    public UpstreamUnavailableException(UpstreamResponse response) {
        super("upstream answered " + response.status());
        this.response = response;
    }

    public UpstreamResponse response() {
        return response;
    }
}
