package io.mppgateway.mistral.paid;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.mistral.testing.MistralSpec;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.Reported;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.mppgateway.paywall.testing.StandIn;
import io.mppgateway.paywall.testing.GatewayMock;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mockito.ArgumentCaptor;

/**
 * Every paid route with payment-service mocked, the real Kafka (release, usage) and the stand-in as Mistral: priced
 * before payment, released by the settled fact, passed through byte for byte to the upstream route the spec names,
 * and answered with the receipt. What the service sends upstream is checked against Mistral's OpenAPI document.
 */
@QuarkusTest
class PaidRoutesTest {
    private static final StandIn STAND_IN = StandIn.at("/mistral");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @InjectMock
    PaymentGateway payments;

    /**
     * route | upstream path | body (%s = a 36-character marker unique to the run) | model in usage | price | what the
     * gateway adds to the body upstream (the bounds the price covers; - = the buyer's bytes untouched). Large: the
     * 129-byte body + 64 bytes of room = 193 tokens × 0.5 = 96.5 → 97, + 20000 × 1.5 = 30000 → 30097 × 1.2 = 36116.4
     * → 36117. FIM without max_tokens: the quoted 1024 go upstream. OCR: no pages listed → the 8 quoted pages go
     * upstream, 8 × 2000 × 1.2 = 19200; 2 listed pages → 4800, raised to the 5000 minimum.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/mistral/chat|/v1/chat/completions|{\"model\":\"mistral-small-latest\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}|mistral-small-latest|5000|-",
            "/v1/chat/completions|/v1/chat/completions|{\"model\":\"mistral-large-latest\",\"max_tokens\":20000,\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}|mistral-large-latest|36117|-",
            "/mistral/fim|/v1/fim/completions|{\"model\":\"codestral-latest\",\"max_tokens\":64,\"prompt\":\"def f(): # %s\",\"suffix\":\"return 1\"}|codestral-latest|5000|-",
            "/v1/fim/completions|/v1/fim/completions|{\"model\":\"codestral-latest\",\"prompt\":\"# %s\"}|codestral-latest|5000|{\"max_tokens\":1024}",
            "/mistral/embed|/v1/embeddings|{\"model\":\"mistral-embed\",\"input\":[\"%s\",\"two\"]}|mistral-embed|8000|-",
            "/v1/embeddings|/v1/embeddings|{\"model\":\"codestral-embed\",\"input\":\"%s\",\"output_dimension\":256,\"output_dtype\":\"int8\"}|codestral-embed|8000|-",
            "/mistral/moderate|/v1/moderations|{\"model\":\"mistral-moderation-latest\",\"input\":\"%s\"}|mistral-moderation-latest|8000|-",
            "/v1/moderations|/v1/moderations|{\"model\":\"mistral-moderation-latest\",\"input\":[\"%s\"]}|mistral-moderation-latest|8000|-",
            "/v1/chat/moderations|/v1/chat/moderations|{\"model\":\"mistral-moderation-latest\",\"input\":[{\"role\":\"user\",\"content\":\"%s\"}]}|mistral-moderation-latest|8000|-",
            "/mistral/ocr|/v1/ocr|{\"model\":\"mistral-ocr-latest\",\"document\":{\"type\":\"document_url\",\"document_url\":\"https://example.com/%s.pdf\"},\"include_image_base64\":false}|mistral-ocr-latest|19200|{\"pages\":[0,1,2,3,4,5,6,7]}",
            "/v1/ocr|/v1/ocr|{\"model\":\"mistral-ocr-latest\",\"pages\":[0,1],\"document\":{\"type\":\"image_url\",\"image_url\":\"https://example.com/%s.png\"}}|mistral-ocr-latest|5000|-"
    })
    void everyPostRouteIsPaidThenPassedThroughWithTheQuotedBounds(String route, String upstreamPath,
            String template, String model, long price, String added) throws Exception {
        String marker = UUID.randomUUID().toString();
        String body = template.formatted(marker);
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", route, price));

            Response answer = given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                    .body(body).post(route);
            answer.then().statusCode(200)
                    .header("Payment-Receipt", SimulatedSettlement.RECEIPT)
                    .header("Cache-Control", "private");
            assertTrue(answer.header("Server-Timing").matches(
                    "settle;dur=\\d+, release;dur=\\d+, upstream;dur=\\d+, gateway;dur=\\d+"), answer.header("Server-Timing"));

            verify(payments).settle(any(), eq(route), eq(price), any(), any(), anyInt());

            // exactly one upstream call, on the spec's path, with the buyer's bytes (plus the bounds the quote covers,
            // when the buyer gave none) and a valid body
            List<JsonNode> sent = STAND_IN.requestsContaining(marker);
            assertEquals(1, sent.size());
            assertEquals("/mistral" + upstreamPath, sent.getFirst().path("url").asText());
            if ("-".equals(added)) {
                assertArrayEquals(body.getBytes(StandardCharsets.UTF_8),
                        sent.getFirst().path("body").asText().getBytes(StandardCharsets.UTF_8));
            } else {
                ObjectNode expected = (ObjectNode) MAPPER.readTree(body);
                expected.setAll((ObjectNode) MAPPER.readTree(added));
                assertEquals(expected, MAPPER.readTree(sent.getFirst().path("body").asText()));
            }
            assertEquals("Bearer test-key", sent.getFirst().path("headers").path("Authorization").asText());
            assertEquals(List.of(), MistralSpec.load().requestProblems(upstreamPath, MAPPER.readTree(body)));
            MistralSpec.load().assertResponseValid("post", upstreamPath, 200, "application/json",
                    answer.body().asString());

            JsonNode usage = settlement.awaitUsage();
            assertEquals("FULFILLED", usage.path("outcome").asText());
            assertEquals(route, usage.path("route").asText());
            assertEquals(model, usage.path("model").asText());
            assertEquals(200, usage.path("upstreamStatus").asInt());
            verify(payments, timeout(5000)).report(eq(settlement.challengeId), Reported.outcome(UsageOutcome.FULFILLED));
        }
    }

    @Test
    void usageComesFromEachKindOfAnswer() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement embed = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(embed.settles("mistral", "/v1/embeddings", 8000));
            given().contentType(ContentType.JSON).header("Authorization", embed.credential())
                    .body("{\"model\":\"mistral-embed\",\"input\":[\"a\",\"b\",\"c\"]}").post("/v1/embeddings")
                    .then().statusCode(200).body("data.size()", equalTo(3));
            JsonNode embedUsage = embed.awaitUsage();
            assertEquals(15, embedUsage.path("promptTokens").asLong());
            assertEquals(0, embedUsage.path("completionTokens").asLong());

            SimulatedSettlement ocr = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(ocr.settles("mistral", "/v1/ocr", 19200));
            given().contentType(ContentType.JSON).header("Authorization", ocr.credential())
                    .body("{\"model\":\"mistral-ocr-latest\",\"document\":{\"type\":\"document_url\",\"document_url\":\"https://example.com/a.pdf\"}}")
                    .post("/v1/ocr").then().statusCode(200).body("pages.size()", equalTo(2));
            // documents are counted in pages
            assertEquals(2, ocr.awaitUsage().path("pages").asLong());
        }
    }

    /** Challenges are minted in-process; when none can be (no charge terms yet, or terms this price cannot meet). */
    @Test
    void whenNoChallengeCanBeMintedNothingIsOfferedAndTheBuyerIsToldWhy() {
        String body = "{\"model\":\"mistral-small-latest\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        GatewayMock.whenChallenged(payments).thenThrow(new IllegalStateException("no charge terms yet"),
                new IllegalArgumentException("does not cover the splits"));
        given().contentType(ContentType.JSON).body(body).post("/mistral/chat").then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", "2")
                .header("WWW-Authenticate", org.hamcrest.Matchers.nullValue())
                .body("type", org.hamcrest.Matchers.endsWith("verification-unavailable"));
        given().contentType(ContentType.JSON).body(body).post("/mistral/chat").then().statusCode(500)
                .contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.endsWith("payment-unavailable"));
        verify(payments, never()).settle(any(), any(), anyLong(), any(), any(), anyInt());
    }

    @Test
    void modelsAreSoldAtTheFixedPriceOnEveryRoute() throws Exception {
        GatewayMock.whenChallenged(payments).thenReturn(new IssuedChallenge("c", "Payment id=\"c\"", "x", 8000));
        given().get("/v1/models").then().statusCode(402);
        ArgumentCaptor<Long> amount = ArgumentCaptor.forClass(Long.class);
        ArgumentCaptor<String> digest = ArgumentCaptor.forClass(String.class);
        verify(payments).challenge(eq("/v1/models"), amount.capture(), digest.capture(), any());
        assertEquals(8000, amount.getValue());
        assertNull(digest.getValue(), "a bodiless GET has no digest to bind");

        for (String[] call : new String[][] { { "GET", "/mistral/models" }, { "POST", "/mistral/models" },
                { "GET", "/v1/models?provider=mistralai" }, { "GET", "/v1/models/codestral-latest" } }) {
            try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
                SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
                String route = call[1].replaceAll("\\?.*", "");
                GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", route, 8000));
                int upstreamBefore = STAND_IN.count("GET", call[1].startsWith("/mistral")
                        ? "/mistral/v1/models" : "/mistral" + call[1]);
                Response answer = given().header("Authorization", settlement.credential()).request(call[0], call[1]);
                answer.then().statusCode(200).header("Payment-Receipt", SimulatedSettlement.RECEIPT);
                String upstreamPath = call[1].startsWith("/v1/models/") ? "/v1/models/{model_id}" : "/v1/models";
                MistralSpec.load().assertResponseValid("get", upstreamPath, 200, "application/json",
                        answer.body().asString());
                assertEquals(upstreamBefore + 1, STAND_IN.count("GET", call[1].startsWith("/mistral")
                        ? "/mistral/v1/models" : "/mistral" + call[1]), call[0] + " " + call[1]);
                // every model sold here says what it costs here (the price table + 20 %, per million tokens)
                JsonNode listed = MAPPER.readTree(answer.body().asString());
                JsonNode card = listed.has("data") ? findModel(listed.path("data"), "codestral-latest") : listed;
                assertEquals(360_000, card.path("gateway_pricing").path("input_per_million").asLong(), call[1]);
                assertEquals(1_080_000, card.path("gateway_pricing").path("output_per_million").asLong(), call[1]);
                assertEquals("2025-12-01", card.path("gateway_pricing").path("prices_as_of").asText(), call[1]);
                JsonNode usage = settlement.awaitUsage();
                assertEquals("FULFILLED", usage.path("outcome").asText());
                assertEquals(route, usage.path("route").asText());
            }
        }
    }

    private static JsonNode findModel(JsonNode data, String id) {
        for (JsonNode model : data) {
            if (id.equals(model.path("id").asText())) {
                return model;
            }
        }
        throw new AssertionError(id + " is not listed: " + data);
    }

    @Test
    void everyMistralParameterPassesThroughUntouched() throws Exception {
        String marker = UUID.randomUUID().toString();
        // tools, tool_choice, json_schema, stop, random_seed, safe_prompt, prediction, parallel_tool_calls,
        // prompt_mode, an image chunk: the body the SDKs send for Pixtral and Magistral
        String body = """
                {"model":"pixtral-large-latest","max_tokens":300,"temperature":0.2,"top_p":0.9,"random_seed":42,
                 "stop":["\\n\\n","END"],"safe_prompt":true,"parallel_tool_calls":false,"presence_penalty":0.1,
                 "frequency_penalty":0.2,"n":1,"prompt_mode":"reasoning",
                 "prediction":{"type":"content","content":"The picture shows"},
                 "response_format":{"type":"json_schema","json_schema":{"name":"caption","strict":true,
                   "schema":{"type":"object","properties":{"caption":{"type":"string"}},"required":["caption"]}}},
                 "tools":[{"type":"function","function":{"name":"lookup","description":"Look up a term",
                   "parameters":{"type":"object","properties":{"term":{"type":"string"}}},"strict":false}}],
                 "tool_choice":{"type":"function","function":{"name":"lookup"}},
                 "messages":[{"role":"system","content":"Be brief. %s"},
                   {"role":"user","content":[{"type":"text","text":"What is in this image?"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}"""
                .formatted(marker);
        assertEquals(List.of(), MistralSpec.load().requestProblems("/v1/chat/completions", MAPPER.readTree(body)));
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("mistral", "/v1/chat/completions", 5000));
            given().contentType(ContentType.JSON).header("Authorization", settlement.credential()).body(body)
                    .post("/v1/chat/completions").then().statusCode(200).body("model", equalTo("pixtral-large-latest"));
            List<JsonNode> sent = STAND_IN.requestsContaining(marker);
            assertEquals(1, sent.size());
            assertEquals(body, sent.getFirst().path("body").asText());
            // the buyer's payment credential never travels upstream
            assertTrue(sent.getFirst().path("headers").path("Authorization").asText().startsWith("Bearer "));
        }
        verify(payments, never()).challenge(any(), anyLong(), any(), any());
        verify(payments, timeout(5000)).report(any(), Reported.outcome(UsageOutcome.FULFILLED));
    }
}
