package io.mppgateway.paywall.upstream;

import io.vertx.core.http.HttpClientResponse;

/**
 * A streamed upstream answer whose status and headers are in and whose body is still to be read, paused: whoever
 * takes it sets its handlers, then resumes it. {@link #cancel()} drops the upstream connection.
 */
public record UpstreamStream(HttpClientResponse response) {

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        String type = response.getHeader("Content-Type");
        return type == null ? "text/event-stream" : type;
    }

    /** Stops buying from the upstream: the connection is reset. */
    public void cancel() {
        response.request().reset();
    }
}
