package io.mppgateway.grok.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.timeout;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.Reported;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.mppgateway.paywall.testing.StandIn;
import io.mppgateway.paywall.testing.GatewayMock;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;

/** xAI says 429 with Retry-After: the gateway waits that long before each retry, then keeps the payment. */
@QuarkusTest
class UpstreamRateLimitTest {
    private static final StandIn STAND_IN = StandIn.at("/xai");

    @InjectMock
    PaymentGateway payments;

    @Test
    void aRateLimitedCallIsRetriedAfterRetryAfterThenAnsweredPaymentKept() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/grok/chat", 5000));
            long started = System.nanoTime();
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body("""
                            {"model":"grok-4","max_completion_tokens":50,"messages":[{"role":"user",
                             "content":"standin:rate-limit %s"}]}""".formatted(marker))
                    .post("/grok/chat").then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("WWW-Authenticate", nullValue())
                    .body("type", equalTo("https://paymentauth.org/problems/payment-kept"))
                    .body("challengeId", equalTo(settlement.challengeId));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            // Retry-After: 1 before each of the two retries
            assertTrue(tookMs >= 2_000, "took " + tookMs + " ms");
            assertEquals(3, STAND_IN.requestsContaining(marker).size(), "the first try and its two retries");
            JsonNode usage = settlement.awaitUsage();
            assertEquals("UPSTREAM_FAILED", usage.path("outcome").asText());
            assertEquals(429, usage.path("upstreamStatus").asInt());
            verify(payments, timeout(5000)).report(eq(settlement.challengeId), Reported.outcome(UsageOutcome.UPSTREAM_FAILED));
        }
    }
}
