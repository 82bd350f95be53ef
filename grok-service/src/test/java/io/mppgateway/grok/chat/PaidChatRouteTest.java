package io.mppgateway.grok.chat;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesRegex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.times;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.ArgumentMatchers.eq;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.mppgateway.paywall.testing.StandIn;
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
        // the 109-byte body + 64 bytes of room = 173 input tokens x 3 = 519; (2000 + 32 768 reasoning priced in,
        // since max_completion_tokens does not bound it) x 15 = 521 520; 522 039 x 1.2 = 626 446.8 -> 626 447
        assertEquals(626_447, amount.getValue());
        assertEquals("grok", paywall.provider());
        assertEquals("grok.mppgateway.local", paywall.realm());
    }

    @Test
    void anAliasIsSoldAtThePriceOfTheModelItNames() {
        for (String alias : new String[] { "grok-4-latest", "grok-4-0709" }) {
            // the same number of body bytes (input tokens are priced by size): grok-4's question is longer instead
            String asGrok4 = CHAT.replace("blue?", "blue?" + "!".repeat(alias.length() - "grok-4".length()));
            String asAlias = CHAT.replace("\"grok-4\"", "\"" + alias + "\"");
            assertEquals(asGrok4.length(), asAlias.length());
            assertEquals(GatewayMock.quoted(payments, "/grok/chat", asGrok4),
                    GatewayMock.quoted(payments, "/grok/chat", asAlias), alias);
        }
    }

    @Test
    void aPaidCallRecordsReasoningAndCachedTokensFromXaiUsage() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/chat/completions", 626_447));
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
            // xAI's own cost figure: 1 234 000 ticks of 10^-10 USD = 123.4 base units -> 124
            assertEquals(124, usage.path("upstreamCost").asLong());
            assertEquals(522_039, usage.path("quotedUpstreamCost").asLong());
        }
    }

    @Test
    void withoutAnOutputLimitTheQuotedOneGoesUpstream() throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            String marker = UUID.randomUUID().toString();
            String body = """
                    {"model":"grok-3","stream":%s,"messages":[{"role":"user","content":"%s"}]}"""
                    .formatted(stream, marker);
            try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
                SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
                GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/chat/completions", 1));
                given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(body)
                        .post("/v1/chat/completions").then().statusCode(200);
                // xAI would otherwise default to 128,000 output tokens
                JsonNode sent = StandIn.at("/xai").onlyBodyContaining(marker);
                assertEquals(1024, sent.path("max_completion_tokens").asLong(), sent.toString());
                assertEquals(stream, sent.path("stream_options").path("include_usage").asBoolean());
                settlement.awaitUsage();
            }
        }
    }

    @Test
    void aQuoteAboveTheLargestChargeIsRefusedWithTheLargestAcceptableLimit() {
        given().contentType(ContentType.JSON).body("""
                {"model":"grok-4","max_completion_tokens":65536,"messages":[{"role":"user","content":"x"}]}""")
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("max_completion_tokens"))
                .body("error.message", matchesRegex(
                        "max_completion_tokens must be ≤ [0-9]{2},[0-9]{3} for one paid call to grok-4"));
        GatewayMock.verifyNoPayment(payments);
    }

    @Test
    void theModelListSaysWhatEachModelCostsHere() throws Exception {
        for (String path : new String[] {"/v1/models", "/grok/models"}) {
            try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
                SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
                GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", path, 8000));
                JsonNode list = new com.fasterxml.jackson.databind.ObjectMapper().readTree(given()
                        .header("Authorization", settlement.credential()).get(path).then().statusCode(200)
                        .header("Payment-Receipt", SimulatedSettlement.RECEIPT).extract().asString());
                JsonNode grok4 = list.path("data").get(0);
                assertEquals("grok-4", grok4.path("id").asText());
                // the price table's 3 000 000 / 15 000 000 base units per million + 20 %
                assertEquals(3_600_000, grok4.path("gateway_pricing").path("input_per_million").asLong());
                assertEquals(18_000_000, grok4.path("gateway_pricing").path("output_per_million").asLong());
                assertEquals(32_768, grok4.path("gateway_pricing").path("reasoning_tokens_priced_per_choice").asLong());
                // and in xAI's own fields (USD cents per 100 million tokens), what it costs here, not upstream
                assertEquals(36_000, grok4.path("prompt_text_token_price").asLong());
                assertEquals(180_000, grok4.path("completion_text_token_price").asLong());
                JsonNode usage = settlement.awaitUsage();
                assertEquals("none", usage.path("model").asText());
                assertEquals(0, usage.path("upstreamCost").asLong());
            }
        }
    }

    @Test
    void fourChoicesCostMoreThanOne() {
        GatewayMock.whenChallenged(payments).thenReturn(new IssuedChallenge("c", "Payment id=\"c\"", "x", 0));
        given().contentType(ContentType.JSON).body("""
                {"model":"grok-3","max_completion_tokens":1000,"messages":[{"role":"user","content":"x"}]}""")
                .post("/grok/chat").then().statusCode(402);
        given().contentType(ContentType.JSON).body("""
                {"model":"grok-3","max_completion_tokens":1000,"n":4,"messages":[{"role":"user","content":"x"}]}""")
                .post("/grok/chat").then().statusCode(402);
        ArgumentCaptor<Long> amount = ArgumentCaptor.forClass(Long.class);
        verify(payments, times(2)).challenge(eq("/grok/chat"), amount.capture(), any(), any());
        // xAI bills every choice: 4 x 1000 x 15 = 60 000 upstream, + 20 %
        assertTrue(amount.getAllValues().get(1) >= 72_000, amount.getAllValues().toString());
        assertTrue(amount.getAllValues().get(1) > amount.getAllValues().get(0), amount.getAllValues().toString());
    }
}
