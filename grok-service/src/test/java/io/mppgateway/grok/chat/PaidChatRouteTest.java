package io.mppgateway.grok.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.ArgumentMatchers.eq;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** What is Grok-specific: xAI's error shape, max_completion_tokens, and reasoning tokens in the usage. */
@QuarkusTest
class PaidChatRouteTest {
    private static final String CHAT = """
            {"model":"grok-4","max_completion_tokens":2000,"messages":[{"role":"user","content":"Why is the sky blue?"}]}""";

    @InjectMock
    PaymentGateway payments;

    @Inject
    PaywallConfig paywall;

    @Test
    void badRequestsAreRefusedInTheOpenAiCompatibleShapeBeforeAnyPayment() {
        given().contentType(ContentType.JSON).body("{\"model\":\"grok-9\",\"messages\":[{\"role\":\"user\"}]}")
                .post("/grok/chat").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("model"))
                .body("error.code", equalTo("unknown_model"));
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"grok-4\",\"max_completion_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("max_completion_tokens"));
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"grok-4\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .post("/grok/chat").then().statusCode(400).body("error.param", equalTo("stream"));
        given().contentType(ContentType.JSON)
                .body("{\"model\":\"grok-4\",\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("stream_options.include_usage"));
        GatewayMock.verifyNoPayment(payments);
    }

    @Test
    void theQuoteUsesMaxCompletionTokensAtGrok4Prices() {
        GatewayMock.whenChallenged(payments).thenReturn(new IssuedChallenge("c", "Payment id=\"c\"", "x", 0));
        given().contentType(ContentType.JSON).body(CHAT).post("/grok/chat").then().statusCode(402);
        ArgumentCaptor<Long> amount = ArgumentCaptor.forClass(Long.class);
        verify(payments).challenge(eq("/grok/chat"), amount.capture(), any(), any());
        // messages JSON 50 bytes → 17 input tokens × $3/M = 51; 2000 × $15/M = 30 000; 30 051 × 1.2 = 36 061.2 → 36 062
        assertEquals(36_062, amount.getValue());
        assertEquals("grok", paywall.provider());
        assertEquals("grok.mppgateway.local", paywall.realm());
    }

    @Test
    void aPaidCallRecordsReasoningAndCachedTokensFromXaiUsage() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/chat/completions", 36_062));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(CHAT)
                    .post("/v1/chat/completions").then().statusCode(200)
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT)
                    .header("Cache-Control", "private")
                    .body("model", equalTo("grok-4"))
                    .body("service_tier", equalTo("default"));
            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText());
            assertEquals("grok", usage.path("provider").asText());
            assertEquals("/v1/chat/completions", usage.path("route").asText());
            assertEquals(32, usage.path("promptTokens").asLong());
            assertEquals(9, usage.path("completionTokens").asLong());
            assertEquals(94, usage.path("reasoningTokens").asLong());
            assertEquals(6, usage.path("cachedTokens").asLong());
            assertEquals(135, usage.path("totalTokens").asLong());
        }
    }
}
