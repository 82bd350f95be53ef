package io.mppgateway.mistral.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.mistral.testing.MistralSpec;
import io.mppgateway.paywall.client.PaymentServiceClient;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;

/**
 * stream:true: the upstream's events reach the buyer one by one as they arrive (the stand-in paces seven events over
 * ~600 ms), with the receipt in the headers, the usage from the last chunk, and the end of the stream recorded as it
 * happened: delivered, buyer gone (with the tokens relayed so far), or upstream broken/stalled.
 */
@QuarkusTest
class StreamingTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String STREAM = """
            {"model":"mistral-small-latest","stream":true,"max_tokens":100,"messages":[{"role":"user","content":"%s"}]}""";

    @InjectMock
    PaymentServiceClient payments;

    @TestHTTPResource("/")
    URL root;

    record TimedEvent(long atMs, String data) {
    }

    @Test
    void eventsAreRelayedAsTheyArriveWithTheReceiptInTheHeaders() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion("127.0.0.1:9092")) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka);
            when(payments.settle(any())).thenAnswer(settlement.settles("mistral", "/v1/chat/completions", 5000));
            long sent = System.nanoTime();
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest
                    .newBuilder(URI.create(root + "v1/chat/completions"))
                    .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                    .header("Authorization", settlement.credential())
                    .POST(HttpRequest.BodyPublishers.ofString(STREAM.formatted("Say hello"))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(SimulatedSettlement.RECEIPT, response.headers().firstValue("Payment-Receipt").orElseThrow());
            assertTrue(response.headers().firstValue("Cache-Control").orElseThrow().startsWith("private"));

            List<TimedEvent> events = new ArrayList<>();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        events.add(new TimedEvent((System.nanoTime() - sent) / 1_000_000, line.substring(6)));
                    }
                }
            }
            assertEquals(9, events.size(), "role chunk, 7 content chunks, [DONE]");
            assertEquals("[DONE]", events.getLast().data());
            StringBuilder text = new StringBuilder();
            for (TimedEvent e : events.subList(0, 8)) {
                JsonNode chunk = MAPPER.readTree(e.data());
                assertEquals(List.of(), MistralSpec.load().streamChunkProblems(chunk));
                text.append(chunk.at("/choices/0/delta/content").asText());
            }
            assertEquals("Hello from the local Mistral stand-in.", text.toString());
            // not buffered: the first event is in the buyer's hands long before the last one leaves the upstream
            long firstByteMs = events.getFirst().atMs();
            long lastMs = events.get(7).atMs();
            assertTrue(lastMs - firstByteMs >= 300, "first event at " + firstByteMs + " ms, last at " + lastMs + " ms");

            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText());
            assertEquals(12, usage.path("promptTokens").asLong());
            assertEquals(7, usage.path("completionTokens").asLong());
            assertEquals(19, usage.path("totalTokens").asLong());
            verify(payments).reportOutcome(settlement.challengeId, UsageOutcome.FULFILLED);
        }
    }

    @Test
    void fimStreamsToo() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion("127.0.0.1:9092")) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka);
            when(payments.settle(any())).thenAnswer(settlement.settles("mistral", "/mistral/fim", 5000));
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
                    .newBuilder(URI.create(root + "mistral/fim"))
                    .header("Content-Type", "application/json").header("Authorization", settlement.credential())
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"codestral-latest\",\"stream\":true,\"prompt\":\"def add(a, b):\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.body().endsWith("data: [DONE]\n\n"));
            assertEquals(15, settlement.awaitUsage().path("totalTokens").asLong());
        }
    }

    @Test
    void aBuyerWhoLeavesMidStreamIsRecordedAsGoneWithTheTokensRelayedSoFar() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion("127.0.0.1:9092")) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka);
            when(payments.settle(any())).thenAnswer(settlement.settles("mistral", "/v1/chat/completions", 5000));
            byte[] body = STREAM.formatted("Say hello").getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket(root.getHost(), root.getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: " + settlement.credential() + "\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                String line;
                int contentEvents = 0;
                while ((line = in.readLine()) != null && contentEvents < 2) {
                    if (line.startsWith("data: {") && !MAPPER.readTree(line.substring(6))
                            .at("/choices/0/delta/content").asText().isEmpty()) {
                        contentEvents++;
                    }
                }
                assertEquals(2, contentEvents);
            } // the buyer hangs up after two tokens
            JsonNode usage = settlement.awaitUsage();
            assertEquals("CLIENT_GONE", usage.path("outcome").asText());
            long tokens = usage.path("completionTokens").asLong();
            assertTrue(tokens >= 2 && tokens < 7, "tokens relayed before the buyer left: " + tokens);
            verify(payments).reportOutcome(settlement.challengeId, UsageOutcome.CLIENT_GONE);
        }
    }

    @Test
    void anUpstreamThatStallsMidStreamIsCutAndTheChargeKept() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion("127.0.0.1:9092")) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka);
            when(payments.settle(any())).thenAnswer(settlement.settles("mistral", "/v1/chat/completions", 5000));
            long started = System.nanoTime();
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
                    .newBuilder(URI.create(root + "v1/chat/completions"))
                    .header("Content-Type", "application/json").header("Authorization", settlement.credential())
                    .POST(HttpRequest.BodyPublishers.ofString(STREAM.formatted("standin:stall-mid-stream"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, response.statusCode());
            assertFalse(response.body().contains("[DONE]"), "a cut stream does not pretend to be complete");
            assertTrue(response.body().contains(": the upstream stream broke; the payment is kept"));
            assertTrue(tookMs < 10_000, "cut by the 2 s idle timeout, not the 20 s stall: " + tookMs + " ms");
            JsonNode usage = settlement.awaitUsage();
            assertEquals("UPSTREAM_FAILED", usage.path("outcome").asText());
            assertTrue(usage.path("completionTokens").asLong() >= 1, usage.toString());
            verify(payments).reportOutcome(settlement.challengeId, UsageOutcome.UPSTREAM_FAILED);
        }
    }

    @Test
    void anUpstreamThatBreaksMidStreamLeavesTheChargeRedeemable() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion("127.0.0.1:9092")) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka);
            when(payments.settle(any())).thenAnswer(settlement.settles("mistral", "/v1/chat/completions", 5000));
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
                    .newBuilder(URI.create(root + "v1/chat/completions"))
                    .header("Content-Type", "application/json").header("Authorization", settlement.credential())
                    .POST(HttpRequest.BodyPublishers.ofString(STREAM.formatted("standin:reset-mid-stream"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertFalse(response.body().contains("[DONE]"));
            JsonNode usage = settlement.awaitUsage();
            assertEquals("UPSTREAM_FAILED", usage.path("outcome").asText());
            verify(payments).reportOutcome(settlement.challengeId, UsageOutcome.UPSTREAM_FAILED);
        }
    }
}
