package io.mppgateway.mistral.paid;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No charge for undelivered work: failures injected in the stand-in after settlement are retried before the first
 * byte, then answered with "payment kept" (never a new challenge), recorded as UPSTREAM_FAILED, and a re-presented
 * credential that payment-service redeems runs the call again without a new payment.
 */
@QuarkusTest
class UpstreamFailureTest {
    private static final StandIn STAND_IN = StandIn.at("/mistral");
    private static final String CHAT = """
            {"model":"mistral-small-latest","max_tokens":50,"messages":[{"role":"user","content":"%s %s"}]}""";

    @InjectMock
    PaymentGateway payments;

    /** magic | status to the buyer | upstream status recorded | upstream attempts | least time (ms) they take */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "standin:fail-500|502|500|3|0",
            // Retry-After: 1 honoured before each of the two retries
            "standin:rate-limit|503|429|3|2000",
            // no answer within the (test) timeout of 5 s (the stand-in stalls 8 s); a timeout is not retried, it would only multiply the wait
            "standin:stall|504|504|1|5000",
            "standin:connection-reset|502|502|3|0"
    })
    void aFailureAfterSettlementKeepsThePaymentForAReplay(String magic, int status, int upstreamStatus, int attempts,
            long leastMs) throws Exception {
        String marker = UUID.randomUUID().toString();
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", "/mistral/chat", 5000));
            long started = System.nanoTime();
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body(CHAT.formatted(magic, marker)).post("/mistral/chat").then()
                    .statusCode(status)
                    .contentType("application/problem+json")
                    .header("WWW-Authenticate", nullValue())
                    .header("Payment-Receipt", nullValue())
                    // not back at once: a charge is redeemed only once (paywall.upstream.kept-retry-after)
                    .header("Retry-After", "5")
                    .body("type", equalTo("https://paymentauth.org/problems/payment-kept"))
                    .body("paymentKept", equalTo(true))
                    .body("challengeId", equalTo(settlement.challengeId))
                    .body("detail", containsString("the same credential can be presented again"));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMs >= leastMs, magic + " took " + tookMs + " ms");
            assertEquals(attempts, STAND_IN.requestsContaining(marker).size(), "the first try and its retries");
            JsonNode usage = settlement.awaitUsage();
            assertEquals("UPSTREAM_FAILED", usage.path("outcome").asText());
            assertEquals(upstreamStatus, usage.path("upstreamStatus").asInt());
            assertEquals(0, usage.path("totalTokens").asLong());
            verify(payments, timeout(5000)).report(eq(settlement.challengeId), Reported.outcome(UsageOutcome.UPSTREAM_FAILED));
        }
    }

    @Test
    void aRedeemedCredentialRunsTheCallAgainWithoutWaitingForANewSettlement() throws Exception {
        String marker = UUID.randomUUID().toString();
        String body = CHAT.formatted("standin:outage", marker);
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            STAND_IN.outageBegins();
            try {
                GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", "/v1/chat/completions", 5000));
                given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(body)
                        .post("/v1/chat/completions").then().statusCode(503).body("paymentKept", equalTo(true));
                assertEquals("UPSTREAM_FAILED", settlement.awaitUsage("UPSTREAM_FAILED").path("outcome").asText());
            } finally {
                STAND_IN.outageOver();
            }
            // the same credential again: payment-service redeems the kept charge; no payments.settled event follows
            GatewayMock.whenSettling(payments).thenAnswer(settlement.redeems(5000));
            long started = System.nanoTime();
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(body)
                    .post("/v1/chat/completions").then().statusCode(200)
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT)
                    .body("usage.total_tokens", equalTo(36));
            assertTrue((System.nanoTime() - started) / 1_000_000 < 5000, "no wait for a settlement event");
            JsonNode redeemed = settlement.awaitUsage("REDEEMED");
            assertEquals(36, redeemed.path("totalTokens").asLong());
            assertEquals(4, STAND_IN.requestsContaining(marker).size(), "three failed tries, then one delivery");
            verify(payments, timeout(5000)).report(eq(settlement.challengeId), Reported.outcome(UsageOutcome.REDEEMED));
        }
    }

    @Test
    void aCredentialWhoseOutcomeIsStillUnknownGetsPaymentServicesConflict() {
        String problem = "{\"type\":\"https://paymentauth.org/problems/payment-in-progress\",\"title\":\"Payment In Progress\",\"status\":409,\"detail\":\"this payment is being delivered\"}";
        GatewayMock.whenSettling(payments).thenReturn(GatewayMock.rejected(409, problem, null, "1"));
        given().contentType(ContentType.JSON).header("Authorization", "Payment e30")
                .body(CHAT.formatted("hi", "x")).post("/mistral/chat").then().statusCode(409)
                .contentType("application/problem+json")
                .header("Retry-After", "1")
                .header("WWW-Authenticate", nullValue())
                .body("type", equalTo("https://paymentauth.org/problems/payment-in-progress"));
    }
}
