package io.mppgateway.mistral.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;

import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.mppgateway.paywall.testing.StandIn;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * The paid chat route with payment-service mocked, but the real Kafka broker (release on payments.settled, usage
 * published on usage.recorded) and the WireMock stand-in as the Mistral API.
 */
@QuarkusTest
class PaidChatRouteTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CHAT = """
            {"model":"mistral-small-latest","max_tokens":100,"messages":[{"role":"user","content":"Say hi"}]}""";

    @InjectMock
    PaymentGateway payments;

    @Inject
    PaywallConfig paywall;

    @Test
    void withoutCredentialTheBuyerGetsAChallengeAndNothingIsSettled() throws Exception {
        GatewayMock.whenChallenged(payments).thenReturn(new IssuedChallenge("chal-1",
                "Payment id=\"chal-1\", realm=\"mistral.mppgateway.local\", method=\"tempo\"", "2030-01-01T00:00:00Z",
                5000));
        given().contentType(ContentType.JSON).body(CHAT).post("/mistral/chat").then()
                .statusCode(402)
                .header("WWW-Authenticate", "Payment id=\"chal-1\", realm=\"mistral.mppgateway.local\", method=\"tempo\"")
                .header("Cache-Control", "no-store")
                .contentType("application/problem+json")
                .body("type", equalTo("https://paymentauth.org/problems/payment-required"))
                .body("challengeId", equalTo("chal-1"));
        ArgumentCaptor<String> route = ArgumentCaptor.forClass(String.class);
        ArgumentCaptor<Long> amount = ArgumentCaptor.forClass(Long.class);
        ArgumentCaptor<String> digest = ArgumentCaptor.forClass(String.class);
        verify(payments).challenge(route.capture(), amount.capture(), digest.capture(), any());
        assertEquals("/mistral/chat", route.getValue());
        assertEquals("mistral", paywall.provider()); // the gateway issues challenges for this provider's realm
        assertEquals(5000, amount.getValue()); // 100 output tokens of small: the per-call minimum
        // RFC 9530 digest of the exact body bytes
        assertEquals("sha-256=:" + Base64.getEncoder().encodeToString(sha256(CHAT)) + ":", digest.getValue());
        verify(payments, never()).settle(any(), any(), anyLong(), any(), any(), anyInt());
    }

    @Test
    void badRequestsAreRefusedInMistralsFormatBeforeAnyPayment() {
        given().contentType(ContentType.JSON).body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("object", equalTo("error")).body("type", equalTo("invalid_request_error"))
                .body("param", equalTo("model")).body("code", equalTo("missing_required_parameter"));
        given().contentType(ContentType.JSON).body("{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\"}]}")
                .post("/mistral/chat").then().statusCode(400)
                .body("code", equalTo("unknown_model")).body("message", containsString("gpt-4"));
        given().contentType(ContentType.JSON).body("{\"model\":\"mistral-small-latest\"}")
                .post("/mistral/chat").then().statusCode(400).body("param", equalTo("messages"));
        given().contentType(ContentType.JSON).body("{oops").post("/mistral/chat").then().statusCode(400)
                .body("code", equalTo("invalid_json"));
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"mistral-small-latest\",\"max_tokens\":999999,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .post("/mistral/chat").then().statusCode(400).body("param", equalTo("max_tokens"));
        GatewayMock.verifyNoPayment(payments);
    }

    @Test
    void aRejectedCredentialIsRelayedAsPaymentServiceWroteIt() {
        String problem = "{\"type\":\"https://paymentauth.org/problems/verification-failed\",\"title\":\"Verification Failed\",\"status\":402,\"detail\":\"this payment has already been used\"}";
        GatewayMock.whenSettling(payments).thenReturn(GatewayMock.rejected(402, problem,
                "Payment id=\"fresh\", realm=\"r\"", null));
        given().contentType(ContentType.JSON).header("Authorization", "Payment e30").body(CHAT)
                .post("/mistral/chat").then().statusCode(402)
                .header("WWW-Authenticate", "Payment id=\"fresh\", realm=\"r\"")
                .header("Payment-Receipt", nullValue())
                .body("detail", equalTo("this payment has already been used"));
    }

    @Test
    void aSettledPaymentIsReleasedByItsKafkaEventThenServedWithReceiptAndUsage() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", "/mistral/chat", 5000));

            String body = given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body(CHAT).post("/mistral/chat").then().statusCode(200)
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT)
                    .header("Cache-Control", "private")
                    .body("object", equalTo("chat.completion"))
                    .body("model", equalTo("mistral-small-latest"))
                    .body("usage.total_tokens", equalTo(36))
                    .extract().asString();
            assertEquals("assistant", MAPPER.readTree(body).path("choices").get(0).path("message").path("role").asText());

            @SuppressWarnings("unchecked")
            ArgumentCaptor<List<String>> authorization = ArgumentCaptor.forClass(List.class);
            ArgumentCaptor<Long> amount = ArgumentCaptor.forClass(Long.class);
            verify(payments).settle(authorization.capture(), eq("/mistral/chat"), amount.capture(), any(), any(), anyInt());
            assertEquals(List.of(settlement.credential()), authorization.getValue());
            assertEquals(5000, amount.getValue());
            assertEquals("mistral.mppgateway.local", paywall.realm());

            JsonNode event = settlement.awaitUsage();
            assertEquals("FULFILLED", event.path("outcome").asText());
            assertEquals(settlement.chargeId, event.path("chargeId").asText());
            assertEquals("mistral-small-latest", event.path("model").asText());
            assertEquals(12, event.path("promptTokens").asLong());
            assertEquals(24, event.path("completionTokens").asLong());
            assertEquals(36, event.path("totalTokens").asLong());
            assertEquals(200, event.path("upstreamStatus").asInt());
            // what it cost upstream, from the stand-in's usage and the price table (mistral-small-latest: 0.1 and 0.3
            // base units a token): 12 x 0.1 + 24 x 0.3 = 8.4 -> 9; the worst case it was sold for is above it
            assertEquals(9, event.path("upstreamCost").asLong());
            assertTrue(event.path("quotedUpstreamCost").asLong() >= 9);
        }
    }

    @Test
    void withoutMaxTokensTheQuotedLimitGoesUpstream() throws Exception {
        String marker = UUID.randomUUID().toString();
        String body = """
                {"model":"mistral-small-latest","messages":[{"role":"user","content":"%s"}]}""".formatted(marker);
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", "/v1/chat/completions", 5000));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(body)
                    .post("/v1/chat/completions").then().statusCode(200);
            // the model could otherwise write up to its own maximum, which the price did not cover
            JsonNode sent = StandIn.at("/mistral").onlyBodyContaining(marker);
            assertEquals(1024, sent.path("max_tokens").asLong());
            assertEquals(marker, sent.path("messages").get(0).path("content").asText());
            settlement.awaitUsage();
        }
    }

    @Test
    void moreChoicesAndLargerToolsCostMore() {
        GatewayMock.whenChallenged(payments).thenReturn(new IssuedChallenge("c", "Payment id=\"c\"", "x", 0));
        String one = """
                {"model":"mistral-large-latest","max_tokens":8000,"messages":[{"role":"user","content":"hi"}]}""";
        String four = """
                {"model":"mistral-large-latest","max_tokens":8000,"n":4,"messages":[{"role":"user","content":"hi"}]}""";
        String tools = """
                {"model":"mistral-large-latest","max_tokens":8000,"messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"f","description":"%s","parameters":{}}}]}"""
                .formatted("d".repeat(40_000));
        for (String body : List.of(one, four, tools)) {
            given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions").then().statusCode(402);
        }
        ArgumentCaptor<Long> amount = ArgumentCaptor.forClass(Long.class);
        verify(payments, org.mockito.Mockito.times(3)).challenge(eq("/v1/chat/completions"), amount.capture(), any(),
                any());
        List<Long> amounts = amount.getAllValues();
        // n=4: four answers of up to 8000 tokens at 1.5 each = 48 000 upstream, not 12 000
        assertTrue(amounts.get(1) >= 4 * 8000 * 15 / 10 * 12 / 10, amounts.toString());
        assertTrue(amounts.get(1) > amounts.get(0), amounts.toString());
        // 40 000 bytes of tools: up to 40 000 input tokens at 0.5 = 20 000 more upstream
        assertTrue(amounts.get(2) - amounts.get(0) >= 20_000 * 12 / 10, amounts.toString());
    }

    @Test
    void aQuoteAboveTheLargestChargeIsRefusedWithTheLargestAcceptableMaxTokens() {
        // mistral-medium's own limit is 131 072 tokens, ~0.26 USD upstream: above the 0.10 USD one call may cost
        given().contentType(ContentType.JSON).body("""
                {"model":"mistral-medium-latest","max_tokens":131072,"messages":[{"role":"user","content":"x"}]}""")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("object", equalTo("error")).body("type", equalTo("invalid_request_error"))
                .body("param", equalTo("max_tokens"))
                .body("message", org.hamcrest.Matchers.matchesRegex(
                        "max_tokens must be ≤ 41,[0-9]{3} for one paid call to mistral-medium-latest"));
        GatewayMock.verifyNoPayment(payments);
    }

    private static byte[] sha256(String s) throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
