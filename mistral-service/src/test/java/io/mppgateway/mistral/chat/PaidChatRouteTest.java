package io.mppgateway.mistral.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.ChallengeResponse;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.PaymentServiceClient;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
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
    PaymentServiceClient payments;

    @Test
    void withoutCredentialTheBuyerGetsAChallengeAndNothingIsSettled() throws Exception {
        when(payments.issueChallenge(any())).thenReturn(new ChallengeResponse("chal-1",
                "Payment id=\"chal-1\", realm=\"mistral.mppgateway.local\", method=\"tempo\"", "2030-01-01T00:00:00Z",
                5000));
        given().contentType(ContentType.JSON).body(CHAT).post("/mistral/chat").then()
                .statusCode(402)
                .header("WWW-Authenticate", "Payment id=\"chal-1\", realm=\"mistral.mppgateway.local\", method=\"tempo\"")
                .header("Cache-Control", "no-store")
                .contentType("application/problem+json")
                .body("type", equalTo("https://paymentauth.org/problems/payment-required"))
                .body("challengeId", equalTo("chal-1"));
        ArgumentCaptor<ChallengeRequest> asked = ArgumentCaptor.forClass(ChallengeRequest.class);
        verify(payments).issueChallenge(asked.capture());
        assertEquals("/mistral/chat", asked.getValue().route());
        assertEquals("mistral", asked.getValue().provider());
        assertEquals(5000, asked.getValue().amount()); // 100 output tokens of small: the per-call minimum
        // RFC 9530 digest of the exact body bytes
        assertEquals("sha-256=:" + Base64.getEncoder().encodeToString(sha256(CHAT)) + ":", asked.getValue().digest());
        verify(payments, never()).settle(any());
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
        verify(payments, never()).issueChallenge(any());
        verify(payments, never()).settle(any());
    }

    @Test
    void aRejectedCredentialIsRelayedAsPaymentServiceWroteIt() {
        String problem = "{\"type\":\"https://paymentauth.org/problems/verification-failed\",\"title\":\"Verification Failed\",\"status\":402,\"detail\":\"this payment has already been used\"}";
        when(payments.settle(any())).thenReturn(new SettlementOutcome.Rejected(402, problem,
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
            SimulatedSettlement settlement = new SimulatedSettlement(kafka);
            when(payments.settle(any())).thenAnswer(settlement.settles("mistral", "/mistral/chat", 5000));

            String body = given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body(CHAT).post("/mistral/chat").then().statusCode(200)
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT)
                    .header("Cache-Control", "private")
                    .body("object", equalTo("chat.completion"))
                    .body("model", equalTo("mistral-small-latest"))
                    .body("usage.total_tokens", equalTo(36))
                    .extract().asString();
            assertEquals("assistant", MAPPER.readTree(body).path("choices").get(0).path("message").path("role").asText());

            ArgumentCaptor<SettlementRequest> settled = ArgumentCaptor.forClass(SettlementRequest.class);
            verify(payments).settle(settled.capture());
            assertEquals(List.of(settlement.credential()), settled.getValue().authorization());
            assertEquals(5000, settled.getValue().amount());
            assertEquals("mistral.mppgateway.local", settled.getValue().realm());

            JsonNode event = settlement.awaitUsage();
            assertEquals("FULFILLED", event.path("outcome").asText());
            assertEquals(settlement.chargeId, event.path("chargeId").asText());
            assertEquals("mistral-small-latest", event.path("model").asText());
            assertEquals(12, event.path("promptTokens").asLong());
            assertEquals(24, event.path("completionTokens").asLong());
            assertEquals(36, event.path("totalTokens").asLong());
            assertEquals(200, event.path("upstreamStatus").asInt());
        }
    }

    private static byte[] sha256(String s) throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
