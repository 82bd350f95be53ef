package io.mppgateway.paywall.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.timeout;

import java.net.URL;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.PaymentGateway;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * The ways a paid stream ends early, played against a provider service's own streaming route: the paywall's relay
 * records them the same way for every provider, so each provider's test runs these and adds only what its upstream
 * makes particular (how many tokens a stream has, how long the stand-in's stall lasts). Each pays with a
 * {@link SimulatedSettlement} (at a fixed price: it plays no part in how a stream ends) and checks the usage record
 * and the outcome reported to payment-service.
 *
 * @param root     the service under test (a test's {@code @TestHTTPResource("/")})
 * @param payments the test's mocked payment gateway, whose settle this stubs and whose report it verifies
 * @param provider the provider name the settlement is for (as in payments.settled)
 */
public record StreamEndings(URL root, PaymentGateway payments, String provider) {
    private static final long PRICE = 5000;

    /**
     * A buyer who hangs up after {@code tokensRead} content events is recorded as gone, with the tokens relayed so
     * far: at least those read, fewer than the {@code streamTokens} of the whole stream. What was relayed was
     * delivered, so the charge is not redeemable.
     */
    public JsonNode buyerLeavesMidStream(String route, String body, int tokensRead, int streamTokens)
            throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = paidFor(kafka, route);
            assertEquals(tokensRead, new SseBuyer(root, settlement.credential())
                    .readContentEventsThenHangUp(route, body, tokensRead));
            JsonNode usage = settlement.awaitUsage();
            assertEquals("CLIENT_GONE", usage.path("outcome").asText());
            long tokens = usage.path("completionTokens").asLong();
            assertTrue(tokens >= tokensRead && tokens < streamTokens, "tokens relayed before the buyer left: " + tokens);
            assertTrue(usage.path("delivered").asBoolean(), "part of the answer reached the buyer");
            verify(payments, timeout(5000)).report(eq(settlement.challengeId),
                    Reported.outcome(UsageOutcome.CLIENT_GONE, true));
            return usage;
        }
    }

    /**
     * A stream whose upstream goes silent is cut by the paywall's idle timeout (2 s in the tests) within
     * {@code cutWithinMs}, ends with a comment instead of {@code [DONE]}, and is recorded as upstream failed with the
     * tokens relayed before, which were delivered (a partial answer is not redeemable). Returns the answer the buyer
     * got, for the provider's own checks.
     */
    public HttpResponse<String> upstreamStallsMidStream(String route, String body, long cutWithinMs, String cutBefore)
            throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = paidFor(kafka, route);
            long started = System.nanoTime();
            HttpResponse<String> response = new SseBuyer(root, settlement.credential()).readWhole(route, body);
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals(200, response.statusCode());
            assertFalse(response.body().contains("[DONE]"), "a cut stream does not pretend to be complete");
            assertTrue(response.body().contains(": the upstream stream broke; what was relayed above is what this "
                    + "payment delivered"), response.body());
            assertTrue(tookMs < cutWithinMs, "cut by the 2 s idle timeout, " + cutBefore + ": " + tookMs + " ms");
            JsonNode usage = settlement.awaitUsage();
            assertEquals("UPSTREAM_FAILED", usage.path("outcome").asText());
            assertTrue(usage.path("completionTokens").asLong() >= 1, usage.toString());
            assertTrue(usage.path("delivered").asBoolean(), usage.toString());
            verify(payments, timeout(5000)).report(eq(settlement.challengeId),
                    Reported.outcome(UsageOutcome.UPSTREAM_FAILED, true));
            return response;
        }
    }

    /** A stream whose upstream connection breaks never ends with {@code [DONE]} and is recorded as upstream failed. */
    public HttpResponse<String> upstreamBreaksMidStream(String route, String body) throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = paidFor(kafka, route);
            HttpResponse<String> response = new SseBuyer(root, settlement.credential()).readWhole(route, body);
            assertFalse(response.body().contains("[DONE]"));
            JsonNode usage = settlement.awaitUsage();
            assertEquals("UPSTREAM_FAILED", usage.path("outcome").asText());
            verify(payments, timeout(5000)).report(eq(settlement.challengeId), Reported.outcome(UsageOutcome.UPSTREAM_FAILED));
            return response;
        }
    }

    private SimulatedSettlement paidFor(KafkaCompanion kafka, String route) {
        SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
        GatewayMock.whenSettling(payments).thenAnswer(settlement.settles(provider, route, PRICE));
        return settlement;
    }
}
