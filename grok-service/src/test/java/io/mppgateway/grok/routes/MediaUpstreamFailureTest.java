package io.mppgateway.grok.routes;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import java.util.UUID;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.paywall.testing.Reported;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.mppgateway.paywall.testing.StandIn;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The media routes (image generation, image editing, text to speech) after settlement, as on chat: xAI down → the
 * payment is kept (503 problem+json naming the challenge, outcome UPSTREAM_FAILED reported), and the same credential
 * with the same body is served once xAI is back, recorded as REDEEMED, without a second payment.
 */
@QuarkusTest
class MediaUpstreamFailureTest {
    private static final StandIn STAND_IN = StandIn.at("/xai");

    @InjectMock
    PaymentGateway payments;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/grok/image-generate | {\"prompt\":\"a lighthouse MARKER\"}",
            "/v1/images/edits     | {\"prompt\":\"add a hat MARKER\",\"image\":{\"url\":\"https://example.com/cat.png\"}}",
            "/grok/tts            | {\"text\":\"Hello MARKER\",\"language\":\"en\",\"voice_id\":\"eve\"}" })
    void xaiDownAfterSettlementKeepsThePaymentAndTheSameCredentialIsServedWhenItIsBack(String route, String template)
            throws Exception {
        String body = template.replace("MARKER", "standin:outage " + UUID.randomUUID());
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            STAND_IN.outageBegins();
            try {
                GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", route, 60_000));
                given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(body)
                        .post(route).then().statusCode(503)
                        .contentType("application/problem+json")
                        .header("Payment-Receipt", nullValue())
                        .body("type", equalTo("https://paymentauth.org/problems/payment-kept"))
                        .body("paymentKept", equalTo(true))
                        .body("challengeId", equalTo(settlement.challengeId));
                assertEquals("UPSTREAM_FAILED", settlement.awaitUsage("UPSTREAM_FAILED").path("outcome").asText());
                verify(payments, timeout(5000)).report(eq(settlement.challengeId),
                        Reported.outcome(UsageOutcome.UPSTREAM_FAILED));
            } finally {
                STAND_IN.outageOver();
            }
            GatewayMock.whenSettling(payments).thenAnswer(settlement.redeems(60_000));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(body)
                    .post(route).then().statusCode(200)
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT);
            assertEquals("REDEEMED", settlement.awaitUsage("REDEEMED").path("outcome").asText());
            verify(payments, timeout(5000)).report(eq(settlement.challengeId), Reported.outcome(UsageOutcome.REDEEMED));
        }
    }
}
