package io.mppgateway.paywall.service;

/** What the upstream answered, already read, with the usage the provider parsed out of it. */
public record UpstreamResponse(int status, String contentType, byte[] body, TokenUsage usage) {

    public boolean successful() {
        return status >= 200 && status < 300;
    }
}
