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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

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
        return relay(upstream, written, () -> false);
    }

    /** Records "OUTCOME prompt/completion/total after N bytes", plus " (nothing delivered)" when nothing was. */
    private SseRelay relay(InputStream upstream, ByteArrayOutputStream written, BooleanSupplier buyerClosed) {
        return new SseRelay(new UpstreamStream(200, "text/event-stream", upstream), UsageOutcome.FULFILLED,
                result -> ended.add(result.outcome() + " " + result.usage().promptTokens() + "/"
                        + result.usage().completionTokens() + "/" + result.usage().totalTokens() + " after "
                        + written.size() + " bytes" + (result.delivered() ? "" : " (nothing delivered)")),
                new ObjectMapper(), watchdog, Duration.ofMillis(500), buyerClosed);
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
                UsageOutcome.FULFILLED, result -> ended.add(result.outcome() + " " + result.usage().totalTokens()),
                new ObjectMapper(), watchdog, Duration.ofMillis(500), () -> false,
                chunk -> chunk.path("choices").isEmpty()).write(written);
        assertEquals(relayed + DONE, written.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("FULFILLED 14"), ended);
    }

    @Test
    void anUpstreamThatEndsEarlyIsAFailureThatDeliveredTheTokensRelayedSoFar() {
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
                result -> counted.add(result.outcome() + " completion " + result.usage().completionTokens()
                        + " reasoning " + result.usage().reasoningTokens() + " total " + result.usage().totalTokens()),
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
        // part of the answer reached the buyer: delivered, so not redeemable
        assertTrue(relayed.endsWith(": the upstream stream broke; what was relayed above is what this payment "
                + "delivered\n\n"), relayed);
        assertFalse(relayed.contains("[DONE]"));
        assertEquals(1, ended.size());
        assertTrue(ended.getFirst().startsWith("UPSTREAM_FAILED 0/1/1"), ended.getFirst());
    }

    @Test
    void aBuyerWhoseConnectionFailsIsGoneWithTheTokensRelayedSoFarWhichWereDelivered() {
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

    private static final String USAGE_ONLY = "data: {\"id\":\"x\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":32,\"completion_tokens\":8,\"total_tokens\":134,"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":94}}}\n\n";
    private static final String FINISH = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\".\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";

    /**
     * The grok exploit (issue 9): read a stream to its finish_reason, hang up before the usage chunk and [DONE],
     * present the credential again. The answer was whole, so it is delivered; the relay reads on for the usage.
     */
    @Test
    void aBuyerWhoLeavesAfterTheFinishReasonButBeforeDoneGotTheWholeAnswer() {
        String head = CHUNK.formatted("Hel") + CHUNK.formatted("lo") + FINISH;
        InputStream upstream = pausing(head, 400, USAGE_ONLY + DONE);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        AtomicBoolean buyerClosed = new AtomicBoolean();
        // the buyer hangs up as soon as it has read the chunk with the finish_reason
        OutputStream buyer = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                if (buyerClosed.get()) {
                    throw new IOException("Connection reset by peer");
                }
                written.write(b);
            }

            @Override
            public void flush() {
                if (written.toString(StandardCharsets.UTF_8).contains("\"finish_reason\":\"stop\"")) {
                    buyerClosed.set(true);
                }
            }
        };
        relay(upstream, written, buyerClosed::get).write(buyer);
        assertEquals(head, written.toString(StandardCharsets.UTF_8), "nothing written after the buyer left");
        assertEquals(List.of("FULFILLED 32/8/134 after " + head.length() + " bytes"), ended,
                "delivered, with the usage the relay read after the buyer left");
    }

    @Test
    void anUpstreamThatClosesAfterItsFinishReasonWithoutDoneDeliveredTheWholeAnswer() {
        String stream = CHUNK.formatted("Hel") + FINISH;
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        relay(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), written).write(written);
        assertEquals(List.of("FULFILLED 0/2/2 after " + stream.length() + " bytes"), ended);
    }

    @Test
    void aBuyerWhoLeavesBeforeAnyContentGotNothingAndTheUpstreamIsNotReadOn() {
        String role = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"finish_reason\":null}]}\n\n";
        InputStream upstream = pausing(role, 5_000, CHUNK.formatted("late") + FINISH + DONE);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        long started = System.nanoTime();
        relay(upstream, written, () -> written.size() > 0).write(written);
        assertTrue((System.nanoTime() - started) / 1_000_000 < 3_000, "the upstream was closed, not read to its end");
        assertEquals(List.of("CLIENT_GONE 0/0/0 after " + role.length() + " bytes (nothing delivered)"), ended);
    }

    @Test
    void aStreamOfSeveralChoicesIsFinishedOnlyWhenEveryChoiceIs() {
        String choice = "data: {\"id\":\"x\",\"choices\":[{\"index\":%d,\"delta\":{\"content\":\"%s\"},"
                + "\"finish_reason\":%s}]}\n\n";
        String stream = choice.formatted(0, "a", "null") + choice.formatted(1, "b", "null")
                + choice.formatted(0, ".", "\"stop\"");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        relay(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), written).write(written);
        assertEquals(List.of("UPSTREAM_FAILED 0/3/3 after " + stream.length() + " bytes"), ended,
                "choice 1 never finished: a cut stream, delivered in part");
    }

    @Test
    void anUpstreamThatBreaksBeforeAnyContentKeepsThePayment() throws Exception {
        String role = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},"
                + "\"finish_reason\":null}]}\n\n";
        InputStream upstream = pausing(role, 5_000, "");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        relay(upstream, written).write(written);
        assertTrue(written.toString(StandardCharsets.UTF_8).endsWith(": the upstream stream broke; the payment is kept "
                + "and the same credential can be presented again\n\n"));
        assertEquals(1, ended.size());
        assertTrue(ended.getFirst().startsWith("UPSTREAM_FAILED 0/0/0") && ended.getFirst().endsWith("(nothing delivered)"),
                ended.getFirst());
    }

    /** An upstream that sends {@code head}, goes quiet for {@code pauseMs} (or until closed), then sends {@code tail}. */
    private static InputStream pausing(String head, long pauseMs, String tail) {
        byte[] first = head.getBytes(StandardCharsets.UTF_8);
        byte[] rest = tail.getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            private int at;
            private boolean paused;
            private volatile boolean closed;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            /** Hands over what has "arrived" without waiting for more, like a socket. */
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (closed) {
                    throw new IOException("closed");
                }
                if (at < first.length) {
                    int n = Math.min(len, first.length - at);
                    System.arraycopy(first, at, b, off, n);
                    at += n;
                    return n;
                }
                if (!paused) {
                    paused = true;
                    long until = System.nanoTime() + pauseMs * 1_000_000;
                    while (System.nanoTime() < until) {
                        if (closed) {
                            throw new IOException("closed");
                        }
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            throw new IOException(e);
                        }
                    }
                }
                int i = at - first.length;
                if (i >= rest.length) {
                    return -1;
                }
                int n = Math.min(len, rest.length - i);
                System.arraycopy(rest, i, b, off, n);
                at += n;
                return n;
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }
}
