package io.mppgateway.mistral.paid;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.intThat;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Map;
import java.util.UUID;

import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.mppgateway.paywall.testing.StandIn;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * While the upstream's circuit breaker is open, a paid call would only meet it: the paywall tells payment-service how
 * long it stays open, so that no pull payment is taken and no redemption spent (payment-service answers 503
 * upstream-unavailable, relayed as it is), and the upstream is not called.
 */
@QuarkusTest
@TestProfile(UpstreamBreakerTest.BreakerOn.class)
class UpstreamBreakerTest {
    private static final StandIn STAND_IN = StandIn.at("/mistral");
    private static final String CHAT = """
            {"model":"mistral-small-latest","max_tokens":50,"messages":[{"role":"user","content":"%s %s"}]}""";

    /** The breaker as in production, opened by a few failures and open for a long delay. */
    public static class BreakerOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("paywall.upstream.breaker.enabled", "true",
                    "paywall.upstream.breaker.request-volume-threshold", "4",
                    "paywall.upstream.breaker.failure-percent", "50",
                    "paywall.upstream.breaker.delay", "PT60S",
                    "paywall.upstream.retries", "0");
        }
    }

    @InjectMock
    PaymentGateway payments;

    @Test
    void anOpenBreakerIsToldToPaymentServiceAndNoUpstreamCallIsMade() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            // four paid calls that fail upstream open the breaker
            for (int i = 0; i < 4; i++) {
                SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
                GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", "/mistral/chat", 5000));
                given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                        .body(CHAT.formatted("standin:fail-500", UUID.randomUUID())).post("/mistral/chat").then()
                        .statusCode(502).body("type", equalTo("https://paymentauth.org/problems/payment-kept"));
            }
            ArgumentCaptor<Integer> downFor = ArgumentCaptor.forClass(Integer.class);
            verify(payments, org.mockito.Mockito.times(4)).settle(any(), any(), anyLong(), any(), any(),
                    downFor.capture());
            assertTrue(downFor.getAllValues().stream().allMatch(s -> s == 0), "closed: " + downFor.getAllValues());

            // open now: payment-service is told for how long, and refuses (as it does) without claiming anything
            String marker = UUID.randomUUID().toString();
            String problem = "{\"type\":\"https://paymentauth.org/problems/upstream-unavailable\",\"title\":"
                    + "\"Upstream Unavailable\",\"status\":503,\"detail\":\"nothing was charged or used\"}";
            when(payments.settle(any(), eq("/mistral/chat"), anyLong(), any(), any(), intThat(s -> s > 0)))
                    .thenReturn(GatewayMock.rejected(503, problem, null, "57"));
            given().contentType(ContentType.JSON).header("Authorization", new SimulatedSettlement(kafka, payments)
                    .credential()).body(CHAT.formatted("hello", marker)).post("/mistral/chat").then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "57")
                    .header("WWW-Authenticate", nullValue())
                    .body("type", equalTo("https://paymentauth.org/problems/upstream-unavailable"));
            ArgumentCaptor<Integer> open = ArgumentCaptor.forClass(Integer.class);
            verify(payments, org.mockito.Mockito.times(5)).settle(any(), any(), anyLong(), any(), any(),
                    open.capture());
            int told = open.getAllValues().get(4);
            assertTrue(told > 50 && told <= 60, "the breaker's remaining delay, in whole seconds: " + told);
            assertEquals(0, STAND_IN.requestsContaining(marker).size(), "the upstream was not called");
        }
    }
}
