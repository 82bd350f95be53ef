package io.mppgateway.paywall.relay;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.vertx.core.buffer.Buffer;

/**
 * Splits a server-sent-events byte stream into events as the bytes arrive, whatever the buffer boundaries (a
 * multi-byte character or a line may be cut anywhere): each event is handed over with its raw lines (LF-terminated,
 * ending with the blank line) and its {@code data} (the data lines joined with LF).
 */
final class SseEventParser {

    /** Receives each complete event. */
    interface Listener {
        void event(byte[] raw, String data);
    }

    private byte[] line = new byte[512];
    private int lineLength;
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream(1024);
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;

    void feed(Buffer buffer, Listener listener) {
        int length = buffer.length();
        for (int i = 0; i < length; i++) {
            byte b = buffer.getByte(i);
            if (b == '\n') {
                lineDone(listener);
            } else {
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = b;
            }
        }
    }

    private void lineDone(Listener listener) {
        int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        lineLength = 0;
        if (end == 0) {
            if (raw.size() > 0) {
                raw.write('\n');
                listener.event(raw.toByteArray(), hasData ? data.toString() : "");
                raw.reset();
                data.setLength(0);
                hasData = false;
            }
            return;
        }
        raw.write(line, 0, end);
        raw.write('\n');
        if (startsWith("data:", end)) {
            int from = end > 5 && line[5] == ' ' ? 6 : 5;
            if (hasData) {
                data.append('\n');
            }
            data.append(new String(line, from, end - from, StandardCharsets.UTF_8));
            hasData = true;
        }
    }

    private boolean startsWith(String prefix, int end) {
        if (end < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
