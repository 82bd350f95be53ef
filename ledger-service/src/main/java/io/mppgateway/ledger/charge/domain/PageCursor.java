package io.mppgateway.ledger.charge.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;

/**
 * Keyset position in the (settled_at desc, challenge_id desc) order. Serialized as an opaque base64url string
 * so that clients do not build cursors themselves and the format can change.
 */
public record PageCursor(Instant settledAt, String challengeId) {
    private static final String VERSION = "v1";

    public PageCursor {
        Objects.requireNonNull(settledAt, "settledAt");
        Objects.requireNonNull(challengeId, "challengeId");
    }

    public String encode() {
        String raw = VERSION + "|" + settledAt + "|" + challengeId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the string is not a cursor this service produced */
    public static PageCursor decode(String cursor) {
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor is not base64url");
        }
        String[] parts = raw.split("\\|", -1);
        if (parts.length != 3 || !VERSION.equals(parts[0]) || parts[2].isEmpty()) {
            throw new IllegalArgumentException("cursor is malformed");
        }
        try {
            return new PageCursor(Instant.parse(parts[1]), parts[2]);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("cursor is malformed");
        }
    }
}
