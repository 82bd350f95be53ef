package io.mppgateway.paywall.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.vertx.core.buffer.Buffer;

import org.junit.jupiter.api.Test;

class SseEventParserTest {

    private static List<String> parse(byte[] bytes, int pieceSize) {
        SseEventParser parser = new SseEventParser();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += pieceSize) {
            parser.feed(Buffer.buffer(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + pieceSize))),
                    (raw, data) -> events.add(new String(raw, StandardCharsets.UTF_8) + "|" + data));
        }
        return events;
    }

    @Test
    void everyCutGivesTheSameEvents() {
        String stream = ": comment\n\ndata: {\"a\":\"\u00e9\u20ac\"}\n\nevent: x\ndata: one\ndata: two\n\n\n\ndata: [DONE]\n\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        List<String> expected = List.of(": comment\n\n|", "data: {\"a\":\"\u00e9\u20ac\"}\n\n|{\"a\":\"\u00e9\u20ac\"}",
                "event: x\ndata: one\ndata: two\n\n|one\ntwo", "data: [DONE]\n\n|[DONE]");
        for (int size = 1; size <= bytes.length; size++) {
            assertEquals(expected, parse(bytes, size), "cut every " + size + " bytes");
        }
    }

    @Test
    void crLfLinesAndDataWithoutASpaceAreRead() {
        assertEquals(List.of("data:x\n\n|x", "data: y\n\n|y"),
                parse("data:x\r\n\r\ndata: y\r\n\r\n".getBytes(StandardCharsets.UTF_8), 3));
    }

    @Test
    void anUnfinishedEventIsNotHandedOver() {
        assertEquals(List.of(), parse("data: {\"half\":".getBytes(StandardCharsets.UTF_8), 4));
    }
}
