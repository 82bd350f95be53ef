package io.mppgateway.paywall.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.paywall.upstream.UpstreamStream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay between a real upstream (a scripted Vert.x server sending events, pausing, breaking) and a real buyer
 * (an HTTP client, or a socket that hangs up), over Vert.x as in production: what reaches the buyer, and what each
 * ending is recorded as (issue 9 item 3: a finished answer is delivered even if the buyer left before [DONE]; a cut
 * one is delivered in part if anything reached the buyer; only nothing relayed stays redeemable).
 */
class SseRelayTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CHUNK = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n";
    private static final String LAST = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n";
    private static final String FINISH = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\".\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";
    private static final String USAGE_ONLY = "data: {\"id\":\"x\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":32,\"completion_tokens\":8,\"total_tokens\":134,"
            + "\"completion_tokens_details\":{\"reasoning_tokens\":94}}}\n\n";
    private static final String ROLE = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"finish_reason\":null}]}\n\n";
    private static final String DONE = "data: [DONE]\n\n";
    private static final String KEPT = ": the upstream stream broke; the payment is kept and the same credential can be "
            + "presented again\n\n";
    private static final String PARTIAL = ": the upstream stream broke; what was relayed above is what this payment "
            + "delivered\n\n";

    private Vertx vertx;
    private HttpServer upstream;
    private HttpServer gateway;
    private final BlockingQueue<StreamTally.Result> ended = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> upstreamClosed = new CompletableFuture<>();
    private volatile List<Step> script = List.of();
    private volatile Predicate<JsonNode> withheld = chunk -> false;

    /** One thing the scripted upstream does. */
    private record Step(Buffer send, long pauseMs, boolean cut) {
        static Step send(String events) {
            return new Step(Buffer.buffer(events, "UTF-8"), 0, false);
        }

        static Step sendBytes(byte[] bytes) {
            return new Step(Buffer.buffer(bytes), 0, false);
        }

        static Step pause(long ms) {
            return new Step(null, ms, false);
        }

        static Step cutConnection() {
            return new Step(null, 0, true);
        }
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        upstream = vertx.createHttpServer().requestHandler(request -> {
            HttpServerResponse response = request.response().setChunked(true)
                    .putHeader("Content-Type", "text/event-stream");
            request.connection().closeHandler(v -> upstreamClosed.complete(null));
            play(response, new ArrayList<>(script), 0);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        var client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(upstream.actualPort()));
        gateway = vertx.createHttpServer().requestHandler(request -> client.request(HttpMethod.POST, "/")
                .compose(r -> r.send())
                .onSuccess(response -> {
                    response.pause();
                    HttpServerResponse buyer = request.response().setChunked(true)
                            .putHeader("Content-Type", "text/event-stream");
                    new SseRelay(new UpstreamStream(response), buyer, UsageOutcome.FULFILLED, ended::add, MAPPER,
                            vertx, Duration.ofMillis(500), withheld).start();
                })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void play(HttpServerResponse response, List<Step> steps, int at) {
        if (at == steps.size()) {
            response.end();
            return;
        }
        Step step = steps.get(at);
        if (step.cut()) {
            response.reset();
            return;
        }
        if (step.send() != null) {
            response.write(step.send());
        }
        if (step.pauseMs() > 0) {
            vertx.setTimer(step.pauseMs(), id -> play(response, steps, at + 1));
        } else {
            play(response, steps, at + 1);
        }
    }

    /** The buyer reads the whole answer. */
    private String readWhole() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + gateway.actualPort() + "/")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The buyer reads until what it got satisfies {@code enough}, then hangs up. Returns what it read. */
    private String readThenHangUp(Predicate<String> enough) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.actualPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder read = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                read.append(line).append('\n');
                if (enough.test(read.toString())) {
                    break;
                }
            }
            return read.toString();
        }
    }

    private StreamTally.Result result() throws InterruptedException {
        StreamTally.Result result = ended.poll(10, TimeUnit.SECONDS);
        assertTrue(result != null, "the stream's end was recorded");
        Thread.sleep(100);
        assertTrue(ended.isEmpty(), "recorded once");
        return result;
    }

    private static String tokens(StreamTally.Result r) {
        return r.outcome() + " " + r.usage().promptTokens() + "/" + r.usage().completionTokens() + "/"
                + r.usage().totalTokens() + (r.delivered() ? "" : " (nothing delivered)");
    }

    @Test
    void relaysEveryEventAsIsAndRecordsTheUpstreamUsage() throws Exception {
        String stream = CHUNK.formatted("Hel") + CHUNK.formatted("lo") + LAST + DONE;
        script = List.of(Step.send(CHUNK.formatted("Hel")), Step.pause(50), Step.send(CHUNK.formatted("lo") + LAST),
                Step.send(DONE));
        assertEquals(stream, readWhole());
        assertEquals("FULFILLED 12/3/15", tokens(result()));
    }

    @Test
    void eventsCutAnywhereAreReassembledAndCrLfIsRead() throws Exception {
        String whole = CHUNK.formatted("héllo") + LAST + DONE;
        byte[] bytes = whole.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        List<Step> pieces = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 7) {
            // 7-byte pieces cut through lines, and through the two bytes of the e acute
            pieces.add(Step.sendBytes(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 7))));
            pieces.add(Step.pause(2));
        }
        script = pieces;
        assertEquals(whole, readWhole(), "relayed with LF line ends");
        assertEquals("FULFILLED 12/3/15", tokens(result()));
    }

    @Test
    void aWithheldChunkIsNotRelayedButItsUsageIsRecorded() throws Exception {
        withheld = chunk -> chunk.path("choices").isEmpty();
        script = List.of(Step.send(CHUNK.formatted("Hel") + FINISH), Step.send(USAGE_ONLY + DONE));
        assertEquals(CHUNK.formatted("Hel") + FINISH + DONE, readWhole());
        assertEquals("FULFILLED 32/8/134", tokens(result()));
    }

    @Test
    void anUpstreamThatEndsEarlyIsAFailureThatDeliveredTheTokensRelayedSoFar() throws Exception {
        script = List.of(Step.send(CHUNK.formatted("Hel") + CHUNK.formatted("lo")));
        assertEquals(CHUNK.formatted("Hel") + CHUNK.formatted("lo"), readWhole());
        assertEquals("UPSTREAM_FAILED 0/2/2", tokens(result()));
    }

    @Test
    void anUpstreamThatClosesAfterItsFinishReasonWithoutDoneDeliveredTheWholeAnswer() throws Exception {
        script = List.of(Step.send(CHUNK.formatted("Hel") + FINISH));
        readWhole();
        assertEquals("FULFILLED 0/2/2", tokens(result()));
    }

    @Test
    void reasoningChunksRelayedBeforeAnEarlyEndAreCountedAsReasoningTokens() throws Exception {
        String thinking = "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"%s\"},"
                + "\"finish_reason\":null}]}\n\n";
        script = List.of(Step.send(thinking.formatted("Let") + thinking.formatted(" me") + CHUNK.formatted("Hi")));
        readWhole();
        StreamTally.Result result = result();
        assertEquals(UsageOutcome.UPSTREAM_FAILED, result.outcome());
        assertEquals(1, result.usage().completionTokens());
        assertEquals(2, result.usage().reasoningTokens());
        assertEquals(3, result.usage().totalTokens());
    }

    @Test
    void anUpstreamThatStallsIsCutAfterTheIdleTimeoutAndWhatWasRelayedIsDelivered() throws Exception {
        script = List.of(Step.send(CHUNK.formatted("Hel")), Step.pause(5_000), Step.send(DONE));
        long started = System.nanoTime();
        String relayed = readWhole();
        assertTrue((System.nanoTime() - started) / 1_000_000 < 3_000, "cut by the 500 ms idle timeout");
        assertEquals(CHUNK.formatted("Hel") + PARTIAL, relayed);
        assertEquals("UPSTREAM_FAILED 0/1/1", tokens(result()));
        upstreamClosed.get(5, TimeUnit.SECONDS); // and nothing more is bought
    }

    @Test
    void anUpstreamThatStallsBeforeAnyContentKeepsThePayment() throws Exception {
        script = List.of(Step.send(ROLE), Step.pause(5_000));
        assertEquals(ROLE + KEPT, readWhole());
        assertEquals("UPSTREAM_FAILED 0/0/0 (nothing delivered)", tokens(result()));
    }

    @Test
    void anUpstreamConnectionThatBreaksMidStreamIsAFailureWithoutDone() throws Exception {
        script = List.of(Step.send(CHUNK.formatted("Hel")), Step.pause(100), Step.cutConnection());
        String relayed;
        try {
            relayed = readWhole();
        } catch (java.io.IOException e) {
            relayed = ""; // the cut may reach the buyer as a broken chunked body
        }
        assertFalse(relayed.contains("[DONE]"));
        StreamTally.Result result = result();
        assertEquals(UsageOutcome.UPSTREAM_FAILED, result.outcome());
        assertTrue(result.delivered());
    }

    @Test
    void aBuyerWhoLeavesMidAnswerWasDeliveredWhatWasRelayedAndTheUpstreamIsDropped() throws Exception {
        script = List.of(Step.send(CHUNK.formatted("a") + CHUNK.formatted("b")), Step.pause(2_000),
                Step.send(CHUNK.formatted("c") + LAST + DONE));
        readThenHangUp(read -> read.contains("\"b\""));
        assertEquals("CLIENT_GONE 0/2/2", tokens(result()));
        upstreamClosed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aBuyerWhoLeavesBeforeAnyContentGotNothing() throws Exception {
        script = List.of(Step.send(ROLE), Step.pause(3_000), Step.send(CHUNK.formatted("late") + FINISH + DONE));
        readThenHangUp(read -> read.contains("assistant"));
        assertEquals("CLIENT_GONE 0/0/0 (nothing delivered)", tokens(result()));
        upstreamClosed.get(5, TimeUnit.SECONDS);
    }

    /**
     * The grok exploit (issue 9): read a stream to its finish_reason, hang up before the usage chunk and [DONE],
     * present the credential again. The answer was whole, so it is delivered; the relay reads on for the usage.
     */
    @Test
    void aBuyerWhoLeavesAfterTheFinishReasonButBeforeDoneGotTheWholeAnswer() throws Exception {
        withheld = chunk -> chunk.path("choices").isEmpty();
        script = List.of(Step.send(CHUNK.formatted("Hel") + CHUNK.formatted("lo") + FINISH), Step.pause(400),
                Step.send(USAGE_ONLY + DONE));
        readThenHangUp(read -> read.contains("\"finish_reason\":\"stop\""));
        assertEquals("FULFILLED 32/8/134", tokens(result()), "delivered, with the usage read after the buyer left");
    }

    @Test
    void aStreamOfSeveralChoicesIsFinishedOnlyWhenEveryChoiceIs() throws Exception {
        String choice = "data: {\"id\":\"x\",\"choices\":[{\"index\":%d,\"delta\":{\"content\":\"%s\"},"
                + "\"finish_reason\":%s}]}\n\n";
        script = List.of(Step.send(choice.formatted(0, "a", "null") + choice.formatted(1, "b", "null")
                + choice.formatted(0, ".", "\"stop\"")));
        readWhole();
        assertEquals("UPSTREAM_FAILED 0/3/3", tokens(result()), "choice 1 never finished: cut, delivered in part");
    }

    @Test
    void aBuyerSlowerThanTheUpstreamGetsEveryEventInOrder() throws Exception {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            events.append(CHUNK.formatted("token " + i + " " + "x".repeat(100)));
        }
        script = List.of(Step.send(events.toString()), Step.send(LAST + DONE));
        int received = 0;
        try (Socket socket = new Socket("127.0.0.1", gateway.actualPort())) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            // not reading for a while: the buyer's buffers fill, the relay pauses the upstream
            Thread.sleep(1_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("data: [DONE]")) {
                if (line.startsWith("data: {") && line.contains("token ")) {
                    assertTrue(line.contains("\"token " + received + " "), "in order: " + line);
                    received++;
                }
            }
        }
        assertEquals(5_000, received);
        assertEquals("FULFILLED 12/3/15", tokens(result()));
    }
}
