package io.mppgateway.paywall.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SseRelayTest {
    private static final String CHUNK = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n";
    private static final String LAST = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    private final List<String> ended = new ArrayList<>();

    @AfterEach
    void stop() {
        watchdog.shutdownNow();
    }

    private SseRelay relay(InputStream upstream, ByteArrayOutputStream written) {
        return new SseRelay(new UpstreamStream(200, "text/event-stream", upstream), UsageOutcome.FULFILLED,
                (outcome, usage) -> ended.add(outcome + " " + usage.promptTokens() + "/" + usage.completionTokens()
                        + "/" + usage.totalTokens() + " after " + written.size() + " bytes"),
                new ObjectMapper(), watchdog, Duration.ofMillis(500), () -> false);
    }

    @Test
    void relaysEveryEventAsIsAndReportsTheUsageBeforeTheFinalDone() {
        String stream = CHUNK.formatted("Hel") + CHUNK.formatted("lo") + LAST + DONE;
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        relay(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), written).write(written);
        assertEquals(stream, written.toString(StandardCharsets.UTF_8));
        int beforeDone = stream.length() - DONE.length();
        assertEquals(List.of("FULFILLED 12/3/15 after " + beforeDone + " bytes"), ended);
    }

    @Test
    void aWithheldChunkIsNotRelayedButItsUsageIsRecorded() {
        String usageOnly = "data: {\"id\":\"x\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}\n\n";
        String relayed = CHUNK.formatted("Hel") + CHUNK.formatted("lo");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        new SseRelay(new UpstreamStream(200, "text/event-stream",
                new ByteArrayInputStream((relayed + usageOnly + DONE).getBytes(StandardCharsets.UTF_8))),
                UsageOutcome.FULFILLED, (outcome, usage) -> ended.add(outcome + " " + usage.totalTokens()),
                new ObjectMapper(), watchdog, Duration.ofMillis(500), () -> false,
                chunk -> chunk.path("choices").isEmpty()).write(written);
        assertEquals(relayed + DONE, written.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("FULFILLED 14"), ended);
    }

    @Test
    void anUpstreamThatEndsEarlyIsAFailureWithTheTokensRelayedSoFar() {
        String stream = CHUNK.formatted("Hel") + CHUNK.formatted("lo");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        relay(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), written).write(written);
        assertEquals(stream, written.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("UPSTREAM_FAILED 0/2/2 after " + stream.length() + " bytes"), ended);
    }

    @Test
    void reasoningChunksRelayedBeforeAnEarlyEndAreCountedAsReasoningTokens() {
        String thinking = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"%s\"},"
                + "\"finish_reason\":null}]}\n\n";
        String stream = thinking.formatted("Let") + thinking.formatted(" me") + CHUNK.formatted("Hi");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        List<String> counted = new ArrayList<>();
        new SseRelay(new UpstreamStream(200, "text/event-stream",
                new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8))), UsageOutcome.FULFILLED,
                (outcome, usage) -> counted.add(outcome + " completion " + usage.completionTokens() + " reasoning "
                        + usage.reasoningTokens() + " total " + usage.totalTokens()),
                new ObjectMapper(), watchdog, Duration.ofMillis(500), () -> false).write(written);
        assertEquals(stream, written.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("UPSTREAM_FAILED completion 1 reasoning 2 total 3"), counted);
    }

    @Test
    void anUpstreamThatStallsIsCutAfterTheIdleTimeout() throws Exception {
        byte[] first = CHUNK.formatted("Hel").getBytes(StandardCharsets.UTF_8);
        InputStream stalling = new InputStream() {
            private int at;
            private volatile boolean closed;

            @Override
            public int read() throws IOException {
                if (at < first.length) {
                    return first[at++];
                }
                while (!closed) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                throw new IOException("closed");
            }

            @Override
            public void close() {
                closed = true;
            }
        };
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        long started = System.nanoTime();
        relay(stalling, written).write(written);
        assertTrue((System.nanoTime() - started) / 1_000_000 < 3000);
        String relayed = written.toString(StandardCharsets.UTF_8);
        assertTrue(relayed.startsWith(CHUNK.formatted("Hel")));
        assertTrue(relayed.endsWith(": the upstream stream broke; the payment is kept and the same credential can be "
                + "presented again\n\n"));
        assertFalse(relayed.contains("[DONE]"));
        assertEquals(1, ended.size());
        assertTrue(ended.getFirst().startsWith("UPSTREAM_FAILED 0/1/1"), ended.getFirst());
    }

    @Test
    void aBuyerWhoseConnectionFailsIsGoneWithTheTokensRelayedSoFar() {
        String stream = CHUNK.formatted("a") + CHUNK.formatted("b") + CHUNK.formatted("c") + LAST + DONE;
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream failingAfterTwoEvents = new OutputStream() {
            private int events;

            @Override
            public void write(int b) throws IOException {
                written.write(b);
            }

            @Override
            public void flush() throws IOException {
                if (++events > 2) {
                    throw new IOException("Connection reset by peer");
                }
            }
        };
        relay(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), written).write(failingAfterTwoEvents);
        assertEquals(1, ended.size());
        assertTrue(ended.getFirst().startsWith("CLIENT_GONE 0/2/2"), ended.getFirst());
    }
}
