package io.mppgateway.ledger.charge.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class PageCursorTest {

    @Test
    void roundTripsThroughItsOpaqueForm() {
        PageCursor cursor = new PageCursor(Instant.parse("2026-11-21T22:25:19.386123Z"),
                "X6v1eo7fJ76gAxqY0xN9Jd__4lUyDDYmriryOM-5FO4");
        String encoded = cursor.encode();
        assertEquals(cursor, PageCursor.decode(encoded));
        assertEquals(-1, encoded.indexOf('='), "no padding, URL-safe");
    }

    @Test
    void rejectsWhatItDidNotProduce() {
        assertThrows(IllegalArgumentException.class, () -> PageCursor.decode("not a cursor!"));
        assertThrows(IllegalArgumentException.class, () -> PageCursor.decode("dGhpcyBpcyBub3QgaXQ"));
        String wrongTime = java.util.Base64.getUrlEncoder().encodeToString("v1|yesterday|abc".getBytes());
        assertThrows(IllegalArgumentException.class, () -> PageCursor.decode(wrongTime));
    }
}
