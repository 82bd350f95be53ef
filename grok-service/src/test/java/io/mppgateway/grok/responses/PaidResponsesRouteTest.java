package io.mppgateway.grok.responses;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.grok.testing.XaiRefusal;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.paywall.testing.Reported;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.mppgateway.paywall.testing.StandIn;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;

/**
 * The Responses routes (/v1/responses, /grok/web-search, /grok/x-search, /grok/code-execution): refused in xAI's
 * shape before payment, priced for tokens plus the server-side tool calls the turn limit sent upstream bounds,
 * answered with citations, usage (tokens, tool calls, xAI's cost) booked, and a failure after settlement keeps the
 * payment for a replay.
 */
@QuarkusTest
class PaidResponsesRouteTest {
    private static final StandIn STAND_IN = StandIn.at("/xai");
    private static final ObjectMapper JSON = new ObjectMapper();

    @InjectMock
    PaymentGateway payments;

    @Test
    void badRequestsAreRefusedInXaisShapeBeforeAnyPayment() {
        XaiRefusal.assertRefused("/v1/responses", "{\"model\":\"grok-4\"}", "input", "missing_required_parameter");
        XaiRefusal.assertRefused("/v1/responses", "{\"model\":\"grok-9\",\"input\":\"hi\"}", "model", "unknown_model");
        XaiRefusal.assertRefused("/v1/responses", "{\"input\":\"hi\"}", "model", "missing_required_parameter");
        XaiRefusal.assertRefused("/v1/responses", "{\"model\":\"grok-4\",\"input\":[]}", "input", "invalid_type");
        XaiRefusal.assertRefused("/v1/responses", "{\"model\":\"grok-4\",\"input\":42}", "input", "invalid_type");
        XaiRefusal.assertRefused("/v1/responses", "{\"model\":\"grok-4\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}",
                "input[0].role", "invalid_value");
        XaiRefusal.assertRefused("/v1/responses", "{\"model\":\"grok-4\",\"input\":\"hi\",\"max_output_tokens\":0}",
                "max_output_tokens", "invalid_value");
        XaiRefusal.assertRefused("/v1/responses", "{\"model\":\"grok-4\",\"input\":\"hi\",\"stream\":\"yes\"}", "stream",
                "invalid_type");
        XaiRefusal.assertRefused("/v1/responses", "{\"model\":\"grok-4\",\"input\":\"hi\",\"tools\":{}}", "tools", "invalid_type");
        // tools whose cost nothing bounds before the call are not sold
        XaiRefusal.assertRefused("/v1/responses", "{\"model\":\"grok-4\",\"input\":\"hi\",\"tools\":[{\"type\":\"mcp\","
                + "\"server_label\":\"a\",\"server_url\":\"https://a\"}]}", "tools[0].type", "unsupported_value");
        XaiRefusal.assertRefused("/grok/web-search", "{\"model\":\"grok-4\",\"input\":\"hi\",\"tools\":[{\"type\":\"code_interpreter\"}]}",
                "tools[0].type", "unsupported_value");
        // the turn limit is what bounds the tool calls: at most the configured 3
        XaiRefusal.assertRefused("/grok/x-search", "{\"model\":\"grok-4\",\"input\":\"hi\",\"max_turns\":4}", "max_turns",
                "invalid_value");
        XaiRefusal.assertRefused("/grok/code-execution", "{\"model\":\"grok-4\",\"input\":\"hi\",\"max_turns\":0}", "max_turns",
                "invalid_value");
        // Live Search is retired upstream (410): never sold
        given().contentType(ContentType.JSON).body("{\"model\":\"grok-4\",\"input\":\"hi\",\"search_parameters\":"
                + "{\"mode\":\"on\"}}").post("/grok/web-search").then().statusCode(400)
                .body("error.param", equalTo("search_parameters"))
                .body("error.message", containsString("web_search"));
        XaiRefusal.assertRefused("/v1/responses", "{\"model\":\"grok-4\",\"input\":\"hi\",\"background\":true}", "background",
                "unsupported_value");
        given().contentType(ContentType.JSON).body("[1]").post("/grok/web-search").then().statusCode(400)
                .body("error.code", equalTo("invalid_json"));
        given().contentType(ContentType.JSON).body("{\"model\":\"grok-4\",\"input\":\"" + "x".repeat(1_100_000) + "\"}")
                .post("/v1/responses").then().statusCode(413)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("request_too_large"))
                .body("error.message", containsString("exceeds the limit of 1048576 bytes"));
        GatewayMock.verifyNoPayment(payments);
    }

    @Test
    void theQuoteIsTokensPlusTheToolCallsTheTurnLimitBounds() {
        // grok-3 ($3 / $15 per million, no reasoning): the 74-byte body + 64 bytes of room = 138 input tokens x 3 +
        // 1000 output tokens x 15 = 15 414; + 20 % = 18 496.8 -> 18 497
        assertEquals(18_497, quoted("/v1/responses", """
                {"model":"grok-3","max_output_tokens":1000,"input":"Why is the sky blue?"}"""));
        // the web_search tool and max_turns 3 go upstream: the 120-byte body + 64, + 3 turns x 2 calls x 8 192
        // result tokens = 49 336 input tokens x 3 + 15 000 + 6 calls x 5 000 = 193 008; + 20 % -> 231 610
        assertEquals(231_610, quoted("/grok/web-search", """
                {"model":"grok-3","max_output_tokens":1000,"input":"Why is the sky blue?"}"""));
    }

    @Test
    void aQuoteAboveTheLargestChargeIsRefusedWithTheLargestAcceptableLimit() {
        given().contentType(ContentType.JSON).body("""
                {"model":"grok-4","max_output_tokens":65536,"input":"x","tools":[{"type":"web_search"}]}""")
                .post("/v1/responses").then().statusCode(400)
                .body("error.param", equalTo("max_output_tokens"))
                .body("error.message", containsString("for one paid call to grok-4"));
        GatewayMock.verifyNoPayment(payments);
    }

    @Test
    void aWebSearchSendsItsToolAndTurnLimitUpstreamAndAnswersWithCitations() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/grok/web-search", 700_000));
            JsonNode answer = JSON.readTree(given().contentType(ContentType.JSON)
                    .header("Authorization", settlement.credential())
                    .body("{\"model\":\"grok-4-fast\",\"input\":\"Why is the sky blue? " + marker + "\"}")
                    .post("/grok/web-search").then().statusCode(200)
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT)
                    .extract().asString());
            // the cited URLs, once each, in order; and xAI's own response around them
            assertEquals(List.of("https://en.wikipedia.org/wiki/Rayleigh_scattering", "https://x.com/NASA/status/1"),
                    JSON.convertValue(answer.path("citations"), List.class));
            assertEquals("response", answer.path("object").asText());
            assertEquals("web_search_call", answer.at("/output/0/type").asText());
            JsonNode sent = STAND_IN.onlyBodyContaining(marker);
            assertEquals("web_search", sent.at("/tools/0/type").asText(), sent.toString());
            assertEquals(3, sent.path("max_turns").asInt(), "the turn limit priced in goes upstream");
            assertEquals(1024, sent.path("max_output_tokens").asInt(), "the output limit quoted goes upstream");
            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText());
            assertEquals("/grok/web-search", usage.path("route").asText());
            assertEquals("grok-4-fast", usage.path("model").asText());
            assertEquals(1840, usage.path("promptTokens").asLong());
            assertEquals(45, usage.path("completionTokens").asLong());
            assertEquals(300, usage.path("reasoningTokens").asLong());
            assertEquals(2185, usage.path("totalTokens").asLong());
            assertEquals(2, usage.path("toolCalls").asLong(), "num_server_side_tools_used");
            assertEquals(105_000_000L, usage.path("costInUsdTicks").asLong());
            // xAI's 1.05 cents, in base units, is the cost booked
            assertEquals(10_500, usage.path("upstreamCost").asLong());
            assertTrue(usage.path("quotedUpstreamCost").asLong() > 10_500, usage.toString());
        }
    }

    @Test
    void theResponsesApiAnswersAsXaiDoesAndBooksReasoningAndCachedTokens() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/responses", 10_000));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body("{\"model\":\"grok-3\",\"max_output_tokens\":100,\"input\":[{\"role\":\"user\","
                            + "\"content\":[{\"type\":\"input_text\",\"text\":\"What is 101*3?\"}]}]}")
                    .post("/v1/responses").then().statusCode(200)
                    .body("object", equalTo("response"))
                    .body("output[0].content[0].text", containsString("stand-in"))
                    .body("citations", nullValue());
            JsonNode usage = settlement.awaitUsage();
            assertEquals(32, usage.path("promptTokens").asLong());
            assertEquals(9, usage.path("completionTokens").asLong());
            assertEquals(110, usage.path("reasoningTokens").asLong());
            assertEquals(8, usage.path("cachedTokens").asLong());
            assertEquals(151, usage.path("totalTokens").asLong());
            assertEquals(0, usage.path("toolCalls").asLong());
            assertEquals(123, usage.path("upstreamCost").asLong(), "1 230 000 ticks = 123 base units");
        }
    }

    @Test
    void aStreamedResponseRelaysTheTypedEventsAndBooksTheCompletedUsage() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/responses", 10_000));
            String stream = given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body("{\"model\":\"grok-3\",\"stream\":true,\"input\":\"hi\"}")
                    .post("/v1/responses").then().statusCode(200)
                    .contentType(containsString("text/event-stream"))
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT)
                    .extract().asString();
            List<String> types = stream.lines().filter(l -> l.startsWith("event: ")).map(l -> l.substring(7)).toList();
            assertEquals("response.created", types.getFirst());
            assertEquals("response.completed", types.getLast());
            assertEquals(8, types.stream().filter("response.output_text.delta"::equals).count());
            assertFalse(stream.contains("[DONE]"), "a Responses stream ends with response.completed");
            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText());
            assertEquals(150, usage.path("totalTokens").asLong());
            assertEquals(110, usage.path("reasoningTokens").asLong());
            assertEquals(1_230_000L, usage.path("costInUsdTicks").asLong());
        }
    }

    @Test
    void aCodeExecutionFailingUpstreamAfterSettlementKeepsThePayment() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/grok/code-execution", 50_000));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body("{\"model\":\"grok-3\",\"input\":\"standin:fail-500 " + marker + "\"}")
                    .post("/grok/code-execution").then().statusCode(502)
                    .contentType("application/problem+json")
                    .header("Payment-Receipt", nullValue())
                    .body("type", equalTo("https://paymentauth.org/problems/payment-kept"))
                    .body("paymentKept", equalTo(true))
                    .body("challengeId", equalTo(settlement.challengeId));
            JsonNode usage = settlement.awaitUsage();
            assertEquals("UPSTREAM_FAILED", usage.path("outcome").asText());
            assertEquals(500, usage.path("upstreamStatus").asInt());
            verify(payments, timeout(5000)).report(eq(settlement.challengeId),
                    Reported.outcome(UsageOutcome.UPSTREAM_FAILED));
        }
    }

    @Test
    void aKeptPaymentIsRedeemedByTheSameCredentialOnceXaiIsBack() throws Exception {
        String marker = UUID.randomUUID().toString();
        String body = "{\"model\":\"grok-3\",\"input\":\"standin:outage " + marker + "\"}";
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            STAND_IN.outageBegins();
            try {
                GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/grok/x-search", 50_000));
                given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(body)
                        .post("/grok/x-search").then().statusCode(503).body("paymentKept", equalTo(true));
                assertEquals("UPSTREAM_FAILED", settlement.awaitUsage("UPSTREAM_FAILED").path("outcome").asText());
            } finally {
                STAND_IN.outageOver();
            }
            GatewayMock.whenSettling(payments).thenAnswer(settlement.redeems(50_000));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(body)
                    .post("/grok/x-search").then().statusCode(200)
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT)
                    .body("citations", hasItem("https://x.com/NASA/status/1"));
            JsonNode redeemed = settlement.awaitUsage("REDEEMED");
            assertEquals(2, redeemed.path("toolCalls").asLong());
            List<JsonNode> sent = STAND_IN.requestsContaining(marker);
            assertEquals(4, sent.size(), "three tries during the outage, then one delivery");
            for (JsonNode request : sent) {
                assertEquals("x_search", JSON.readTree(request.path("body").asText()).at("/tools/0/type").asText());
            }
            verify(payments, timeout(5000)).report(eq(settlement.challengeId), Reported.outcome(UsageOutcome.REDEEMED));
        }
    }

    @Test
    void aModelCardSaysWhatTheModelCostsHereAndAnUnknownOneIsRefusedBeforePayment() throws Exception {
        given().get("/v1/models/grok-9").then().statusCode(404)
                .body("error.param", equalTo("model_id"))
                .body("error.code", equalTo("model_not_found"));
        GatewayMock.verifyNoPayment(payments);
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/models/grok-4", 8000));
            given().header("Authorization", settlement.credential()).get("/v1/models/grok-4").then().statusCode(200)
                    .body("id", equalTo("grok-4"))
                    .body("gateway_pricing.input_per_million", equalTo(3_600_000))
                    .body("prompt_text_token_price", equalTo(36_000));
            assertEquals("grok-4", settlement.awaitUsage().path("model").asText());
        }
    }

    private long quoted(String path, String body) {
        return GatewayMock.quoted(payments, path, body);
    }
}
