package io.mppgateway.grok.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.timeout;

import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.grok.testing.XaiSpec;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.Reported;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.mppgateway.paywall.testing.SseBuyer;
import io.mppgateway.paywall.testing.SseBuyer.TimedEvent;
import io.mppgateway.paywall.testing.StandIn;
import io.mppgateway.paywall.testing.StreamEndings;
import io.mppgateway.paywall.testing.GatewayMock;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;

/**
 * stream:true on the paid Grok chat: xAI's events reach the buyer one by one as they arrive (the stand-in paces
 * them over ~600 ms), with the receipt in the headers and the usage from xAI's usage-only chunk — which the gateway
 * always asks for, and forwards only to a buyer who asked for it too. The end of the stream is recorded as it
 * happened: delivered, buyer gone, or upstream stalled/broken.
 */
@QuarkusTest
class StreamingTest {
    private static final StandIn STAND_IN = StandIn.at("/xai");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TEXT = "Hello from the local xAI (Grok) stand-in.";
    private static final String STREAM = """
            {"model":"grok-4","stream":true,"max_completion_tokens":100,"messages":[{"role":"user","content":"%s"}]}""";
    private static final String STREAM_WITH_USAGE = """
            {"model":"grok-4","stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":100,\
            "messages":[{"role":"user","content":"%s"}]}""";

    @InjectMock
    PaymentGateway payments;

    @TestHTTPResource("/")
    URL root;

    @Test
    void chunksAreRelayedAsTheyArriveAndTheUsageChunkTheGatewayAskedForIsRecordedNotForwarded() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/chat/completions", 5000));
            String marker = "say hello " + UUID.randomUUID();
            long sent = System.nanoTime();
            HttpResponse<InputStream> response = new SseBuyer(root, settlement.credential())
                    .openStream("/v1/chat/completions", STREAM.formatted(marker));
            SseBuyer.assertPaidStreamHeaders(response);

            List<TimedEvent> events = SseBuyer.timedEvents(response, sent);
            assertEquals(9, events.size(), "8 token chunks and [DONE], without the usage-only chunk");
            assertEquals("[DONE]", events.getLast().data());
            StringBuilder text = new StringBuilder();
            for (TimedEvent e : events.subList(0, 8)) {
                JsonNode chunk = MAPPER.readTree(e.data());
                assertEquals(List.of(), XaiSpec.load().streamChunkProblems(chunk), e.data());
                assertTrue(chunk.path("usage").isNull(), "no usage reaches a buyer who did not ask: " + e.data());
                text.append(chunk.at("/choices/0/delta/content").asText());
            }
            assertEquals(TEXT, text.toString());
            // not buffered: the first event is in the buyer's hands long before the last one leaves the upstream
            SseBuyer.assertRelayedAsTheyArrived(events, 7, 300);

            // xAI was asked for the usage chunk on the buyer's behalf, the rest of the body untouched
            JsonNode upstream = STAND_IN.onlyBodyContaining(marker);
            assertTrue(upstream.at("/stream_options/include_usage").asBoolean(), upstream.toString());
            assertEquals(100, upstream.path("max_completion_tokens").asInt());
            assertEquals(List.of(), XaiSpec.load().requestProblems("/v1/chat/completions", upstream));

            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText());
            assertEquals("grok", usage.path("provider").asText());
            assertEquals("/v1/chat/completions", usage.path("route").asText());
            assertEquals(32, usage.path("promptTokens").asLong());
            assertEquals(8, usage.path("completionTokens").asLong());
            assertEquals(94, usage.path("reasoningTokens").asLong());
            assertEquals(6, usage.path("cachedTokens").asLong());
            assertEquals(134, usage.path("totalTokens").asLong());
            verify(payments, timeout(5000)).report(eq(settlement.challengeId), Reported.outcome(UsageOutcome.FULFILLED));
        }
    }

    @Test
    void aBuyerWhoAskedForTheUsageChunkGetsItBeforeDone() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/grok/chat", 5000));
            String marker = "say hello " + UUID.randomUUID();
            String body = STREAM_WITH_USAGE.formatted(marker);
            HttpResponse<InputStream> response = new SseBuyer(root, settlement.credential())
                    .openStream("/grok/chat", body);
            assertEquals(200, response.statusCode());
            assertEquals(SimulatedSettlement.RECEIPT, response.headers().firstValue("Payment-Receipt").orElseThrow());
            List<TimedEvent> events = SseBuyer.timedEvents(response, System.nanoTime());
            assertEquals(10, events.size(), "8 token chunks, the usage chunk, [DONE]");
            assertEquals("[DONE]", events.getLast().data());
            JsonNode usageChunk = MAPPER.readTree(events.get(8).data());
            assertEquals(List.of(), XaiSpec.load().streamChunkProblems(usageChunk));
            assertTrue(usageChunk.path("choices").isEmpty(), usageChunk.toString());
            assertEquals(134, usageChunk.at("/usage/total_tokens").asInt());
            // the buyer's own request went upstream as sent
            assertEquals(MAPPER.readTree(body), STAND_IN.onlyBodyContaining(marker));

            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText());
            assertEquals("/grok/chat", usage.path("route").asText());
            assertEquals(134, usage.path("totalTokens").asLong());
            assertEquals(94, usage.path("reasoningTokens").asLong());
        }
    }

    @Test
    void aBuyerWhoLeavesMidStreamIsRecordedAsGoneWithTheTokensRelayedSoFar() throws Exception {
        // the buyer hangs up after two of the stream's 8 tokens
        new StreamEndings(root, payments, "grok").buyerLeavesMidStream("/v1/chat/completions",
                STREAM.formatted("Say hello"), 2, 8);
    }

    @Test
    void anUpstreamThatStallsMidStreamIsCutAndRecordedAsUpstreamFailed() throws Exception {
        HttpResponse<String> response = new StreamEndings(root, payments, "grok").upstreamStallsMidStream(
                "/v1/chat/completions", STREAM.formatted("standin:stall-mid-stream"), 9_500,
                "not waiting for the second half due at 8 s (generous: the test machine is loaded)");
        assertEquals(SimulatedSettlement.RECEIPT, response.headers().firstValue("Payment-Receipt").orElseThrow());
        assertTrue(response.body().startsWith("data: {"), "the first half was relayed: " + response.body());
        // what shows the idle timeout cut it, however loaded the machine: the second half never reached the buyer
        assertFalse(response.body().contains(" stand-in"), "cut before the second half: " + response.body());
    }

    @Test
    void anUpstreamThatBreaksMidStreamIsRecordedAsUpstreamFailed() throws Exception {
        new StreamEndings(root, payments, "grok").upstreamBreaksMidStream("/v1/chat/completions",
                STREAM.formatted("standin:reset-mid-stream"));
    }
}
