package io.mppgateway.paywall.service;

import java.io.IOException;
import java.io.InputStream;

/**
 * An upstream answer whose body is read as it arrives (server-sent events). Its status and headers are in; the
 * body is not. Closing it closes the upstream connection.
 */
public record UpstreamStream(int status, String contentType, InputStream body) implements AutoCloseable {

    public boolean successful() {
        return status >= 200 && status < 300;
    }

    /** Reads a (short) error body whole, for an answer that is not a stream after all. */
    public byte[] readAll() {
        try (InputStream in = body) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
