package io.mppgateway.mistral.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.timeout;

import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.mistral.testing.MistralSpec;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.Reported;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.mppgateway.paywall.testing.SseBuyer;
import io.mppgateway.paywall.testing.SseBuyer.TimedEvent;
import io.mppgateway.paywall.testing.StreamEndings;
import io.mppgateway.paywall.testing.GatewayMock;
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
    PaymentGateway payments;

    @TestHTTPResource("/")
    URL root;

    @Test
    void eventsAreRelayedAsTheyArriveWithTheReceiptInTheHeaders() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", "/v1/chat/completions", 5000));
            long sent = System.nanoTime();
            HttpResponse<InputStream> response = new SseBuyer(root, settlement.credential())
                    .openStream("/v1/chat/completions", STREAM.formatted("Say hello"));
            SseBuyer.assertPaidStreamHeaders(response);

            List<TimedEvent> events = SseBuyer.timedEvents(response, sent);
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
            SseBuyer.assertRelayedAsTheyArrived(events, 7, 300);

            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText());
            assertEquals(12, usage.path("promptTokens").asLong());
            assertEquals(7, usage.path("completionTokens").asLong());
            assertEquals(19, usage.path("totalTokens").asLong());
            verify(payments, timeout(5000)).report(eq(settlement.challengeId), Reported.outcome(UsageOutcome.FULFILLED));
        }
    }

    @Test
    void fimStreamsToo() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", "/mistral/fim", 5000));
            HttpResponse<String> response = new SseBuyer(root, settlement.credential()).readWhole("/mistral/fim",
                    "{\"model\":\"codestral-latest\",\"stream\":true,\"prompt\":\"def add(a, b):\"}");
            assertEquals(200, response.statusCode());
            assertTrue(response.body().endsWith("data: [DONE]\n\n"));
            assertEquals(15, settlement.awaitUsage().path("totalTokens").asLong());
        }
    }

    @Test
    void aBuyerWhoLeavesMidStreamIsRecordedAsGoneWithTheTokensRelayedSoFar() throws Exception {
        // the buyer hangs up after two of the stream's 7 tokens
        new StreamEndings(root, payments, "mistral").buyerLeavesMidStream("/v1/chat/completions",
                STREAM.formatted("Say hello"), 2, 7);
    }

    @Test
    void anUpstreamThatStallsMidStreamIsCutAndWhatWasRelayedIsDelivered() throws Exception {
        new StreamEndings(root, payments, "mistral").upstreamStallsMidStream("/v1/chat/completions",
                STREAM.formatted("standin:stall-mid-stream"), 10_000, "not the 20 s stall");
    }

    @Test
    void anUpstreamThatBreaksMidStreamLeavesTheChargeRedeemable() throws Exception {
        new StreamEndings(root, payments, "mistral").upstreamBreaksMidStream("/v1/chat/completions",
                STREAM.formatted("standin:reset-mid-stream"));
    }
}
