package io.mppgateway.grok.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;

import java.net.URL;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.mppgateway.paywall.testing.StandIn;
import io.mppgateway.paywall.testing.SseBuyer;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;

/**
 * Outcomes that cannot be gamed (issue 9 item 3), the Grok exploit: a buyer reads a stream to its finish_reason,
 * hangs up before the usage chunk and [DONE], and presents the same credential again. The answer was whole, so the
 * call is recorded delivered (FULFILLED, with the usage the relay reads after the buyer left) and payment-service,
 * which redeems only charges of which nothing was delivered, refuses the second presentation.
 */
@QuarkusTest
class StreamOutcomeTest {
    private static final StandIn STAND_IN = StandIn.at("/xai");
    private static final String VERIFICATION_FAILED = "{\"type\":\"https://paymentauth.org/problems/verification-failed\","
            + "\"title\":\"Verification Failed\",\"status\":402,\"detail\":\"this payment was delivered already\"}";

    @InjectMock
    PaymentGateway payments;

    @TestHTTPResource("/")
    URL root;

    @Test
    void readingToTheFinishReasonAndHangingUpDoesNotBuyASecondAnswer() throws Exception {
        String marker = "standin:slow-usage " + UUID.randomUUID();
        String body = """
                {"model":"grok-4","stream":true,"max_completion_tokens":100,"messages":[{"role":"user","content":"%s"}]}"""
                .formatted(marker);
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            // payment-service as its state machine has it: a presentation after the outcome is known is redeemed
            // only when nothing was delivered (usage.delivered; old reports without usage: by the outcome)
            AtomicReference<ChargeOutcomeReport> reported = new AtomicReference<>();
            doAnswer(invocation -> {
                reported.set(invocation.getArgument(1));
                return null;
            }).when(payments).report(anyString(), any());
            AtomicInteger presentations = new AtomicInteger();
            GatewayMock.whenSettling(payments).thenAnswer(invocation -> {
                if (presentations.getAndIncrement() == 0) {
                    return settlement.settles("grok", "/v1/chat/completions", 5000).answer(invocation);
                }
                ChargeOutcomeReport last = reported.get();
                boolean delivered = last.usage() != null ? last.usage().deliveredToBuyer()
                        : last.outcome() == UsageOutcome.FULFILLED || last.outcome() == UsageOutcome.REDEEMED;
                return delivered
                        ? Uni.createFrom().item(new SettlementOutcome.Rejected(402, VERIFICATION_FAILED, null, null))
                        : Uni.createFrom().item(settlement.redeemed(5000));
            });

            assertEquals(8, new SseBuyer(root, settlement.credential())
                    .readToFinishReasonThenHangUp("/v1/chat/completions", body), "the whole answer was read");
            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText(), usage.toString());
            assertTrue(usage.path("delivered").asBoolean());
            // read from the upstream after the buyer left
            assertEquals(134, usage.path("totalTokens").asLong(), usage.toString());
            assertEquals(94, usage.path("reasoningTokens").asLong());

            given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(body)
                    .post("/v1/chat/completions").then().statusCode(402)
                    .body("type", equalTo("https://paymentauth.org/problems/verification-failed"));
            assertEquals(1, STAND_IN.requestsContaining(marker).size(), "one payment, one answer");
        }
    }
}
