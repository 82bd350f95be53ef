package io.mppgateway.grok.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.grok.testing.XaiSpec;
import io.mppgateway.paywall.testing.SseBuyer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WireMock stand-in (deploy/standin, running on 127.0.0.1:8090) answers xAI's chat completions as xAI's OpenAPI
 * document says: the JSON answer, and the data-only stream of ChatResponseChunk objects, with the usage-only chunk
 * before {@code [DONE]} exactly when {@code stream_options.include_usage} is true (upstream-apis.md §2.6); its
 * Responses API: the JSON response (with the tool calls and citations of the tools asked for) and the typed events of
 * a stream; and a model card.
 */
class StandInConformanceTest {
    private static final String STANDIN = LocalStack.STANDIN + "/xai";
    private static final String CHAT = "/v1/chat/completions";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static XaiSpec spec;

    @BeforeAll
    static void loadSpec() throws Exception {
        spec = XaiSpec.load();
    }

    static HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(STANDIN + CHAT)).header("Authorization", "Bearer test")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The chunks of a complete stream, each a ChatResponseChunk as the spec declares it. */
    static List<JsonNode> chunksOf(HttpResponse<String> response) throws Exception {
        return SseBuyer.chunksOfCompleteStream(response, spec::streamChunkProblems);
    }

    @Test
    void aChatCompletionIsWhatTheSpecDeclares() throws Exception {
        String body = "{\"model\":\"grok-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        spec.assertRequestValid(CHAT, body);
        HttpResponse<String> response = post(body);
        assertEquals(200, response.statusCode(), response.body());
        spec.assertResponseValid("post", CHAT, 200, "application/json", response.body());
    }

    @Test
    void anImageGenerationIsWhatTheSpecDeclaresWithOneImagePerN() throws Exception {
        String images = "/v1/images/generations";
        for (String body : List.of("{\"prompt\":\"a cat\",\"model\":\"grok-imagine-image\",\"n\":3}",
                "{\"prompt\":\"a cat\",\"response_format\":\"b64_json\"}")) {
            spec.assertRequestValid(images, body);
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(STANDIN + images))
                    .header("Authorization", "Bearer test").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            spec.assertResponseValid("post", images, 200, "application/json", response.body());
            JsonNode answer = JSON.readTree(response.body());
            int n = JSON.readTree(body).path("n").asInt(1);
            assertEquals(n, answer.path("data").size());
            assertEquals(n * 200_000_000L, answer.at("/usage/cost_in_usd_ticks").asLong(), "2 cents per image");
        }
    }

    @Test
    void theModelListIsWhatTheSpecDeclaresWithXaisPriceFields() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(STANDIN + "/v1/models"))
                .header("Authorization", "Bearer test").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        spec.assertResponseValid("get", "/v1/models", 200, "application/json", response.body());
        // USD cents per 100 million tokens: grok-4's $3 / $15 per million
        JsonNode grok4 = JSON.readTree(response.body()).path("data").get(0);
        assertEquals("grok-4", grok4.path("id").asText());
        assertEquals(300_000, grok4.path("prompt_text_token_price").asLong());
        assertEquals(1_500_000, grok4.path("completion_text_token_price").asLong());
    }

    @Test
    void aStreamWithoutIncludeUsageHasNullUsageOnEveryChunk() throws Exception {
        String body = "{\"model\":\"grok-4\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        spec.assertRequestValid(CHAT, body);
        List<JsonNode> chunks = chunksOf(post(body));
        assertEquals(8, chunks.size(), "one chunk per token");
        assertTrue(chunks.stream().allMatch(c -> c.path("usage").isNull()), "usage is null on every chunk");
        assertEquals("stop", chunks.getLast().at("/choices/0/finish_reason").asText());
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.at("/choices/0/delta/content").asText()));
        assertEquals("Hello from the local xAI (Grok) stand-in.", text.toString());
    }

    @Test
    void includeUsageAddsAUsageOnlyChunkBeforeDone() throws Exception {
        String body = "{\"model\":\"grok-4\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        spec.assertRequestValid(CHAT, body);
        List<JsonNode> chunks = chunksOf(post(body));
        assertEquals(9, chunks.size(), "8 token chunks and the usage chunk");
        assertTrue(chunks.subList(0, 8).stream().allMatch(c -> c.path("usage").isNull()),
                "the other chunks return null in usage");
        JsonNode usageChunk = chunks.getLast();
        assertTrue(usageChunk.path("choices").isArray() && usageChunk.path("choices").isEmpty(), usageChunk.toString());
        JsonNode usage = usageChunk.path("usage");
        assertEquals(134, usage.path("total_tokens").asInt(), "32 prompt + 8 completion + 94 reasoning");
        assertEquals(94, usage.at("/completion_tokens_details/reasoning_tokens").asInt());
        assertEquals(6, usage.at("/prompt_tokens_details/cached_tokens").asInt());
    }

    @Test
    void aStreamStalledMidWaySendsItsSecondHalfFourSecondsAfterTheFirst() throws Exception {
        String body = "{\"model\":\"grok-4\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"standin:stall-mid-stream\"}]}";
        long started = System.nanoTime();
        List<JsonNode> chunks = chunksOf(post(body));
        assertTrue((System.nanoTime() - started) / 1_000_000 >= 7500,
                "headers and first half after 4 s, the rest 4 s later");
        assertEquals(9, chunks.size(), "the same stream as without the stall");
    }

    @Test
    void aStreamResetMidWayNeverEndsWithDone() throws Exception {
        String body = "{\"model\":\"grok-4\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"standin:reset-mid-stream\"}]}";
        try {
            HttpResponse<String> response = post(body);
            assertFalse(response.body().contains("[DONE]"));
        } catch (java.io.IOException expected) {
            // the connection broke: what the injection is for
        }
    }

    static HttpResponse<String> postTo(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(STANDIN + path)).header("Authorization", "Bearer test")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aResponseIsWhatTheSpecDeclaresWithTheToolCallsAndCitationsOfItsTools() throws Exception {
        String responses = "/v1/responses";
        for (String tools : List.of("", ",\"tools\":[{\"type\":\"web_search\"}],\"max_turns\":3",
                ",\"tools\":[{\"type\":\"x_search\",\"allowed_x_handles\":[\"NASA\"]}]",
                ",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{}},{\"type\":\"code_interpreter\"}]")) {
            String body = "{\"model\":\"grok-4\",\"max_output_tokens\":100,\"input\":[{\"role\":\"user\","
                    + "\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]" + tools + "}";
            spec.assertRequestValid(responses, body);
            HttpResponse<String> response = postTo(responses, body);
            assertEquals(200, response.statusCode(), response.body());
            spec.assertResponseValid("post", responses, 200, "application/json", response.body());
            JsonNode answer = JSON.readTree(response.body());
            assertEquals(100, answer.path("max_output_tokens").asInt());
            JsonNode usage = answer.path("usage");
            assertEquals(usage.path("total_tokens").asLong(), usage.path("input_tokens").asLong()
                    + usage.path("output_tokens").asLong() + usage.at("/output_tokens_details/reasoning_tokens").asLong());
            if (tools.contains("search")) {
                assertEquals(2, usage.path("num_server_side_tools_used").asInt());
                assertEquals("url_citation", answer.at("/output/2/content/0/annotations/0/type").asText());
            } else if (tools.contains("code_interpreter")) {
                assertEquals("code_interpreter_call", answer.at("/output/0/type").asText());
                assertEquals(1, usage.at("/server_side_tool_usage_details/code_interpreter_calls").asInt());
            } else {
                assertEquals(0, usage.path("num_server_side_tools_used").asInt());
            }
        }
    }

    @Test
    void aStreamedResponseIsTypedEventsEndingWithTheCompletedResponse() throws Exception {
        String body = "{\"model\":\"grok-4\",\"stream\":true,\"input\":\"hi\"}";
        spec.assertRequestValid("/v1/responses", body);
        HttpResponse<String> response = postTo("/v1/responses", body);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> blocks = List.of(response.body().split("\n\n"));
        StringBuilder text = new StringBuilder();
        long sequence = 0;
        JsonNode last = null;
        for (String block : blocks) {
            String[] lines = block.split("\n");
            assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), block);
            JsonNode event = JSON.readTree(lines[1].substring(6));
            assertEquals(lines[0].substring(7), event.path("type").asText(), "the event line names the data's type");
            assertEquals(sequence++, event.path("sequence_number").asLong());
            if (event.has("response")) {
                // response.created / in_progress / completed carry a whole ModelResponse
                assertEquals(List.of(), spec.componentProblems("ModelResponse", event.path("response")), block);
            }
            if ("response.output_text.delta".equals(event.path("type").asText())) {
                text.append(event.path("delta").asText());
            }
            last = event;
        }
        assertEquals("response.created", JSON.readTree(blocks.getFirst().split("\n")[1].substring(6)).path("type").asText());
        assertEquals("response.completed", last.path("type").asText());
        assertEquals("Hello from the local xAI (Grok) stand-in.", text.toString());
        assertEquals(text.toString(), last.at("/response/output/0/content/0/text").asText());
        assertEquals(150, last.at("/response/usage/total_tokens").asInt());
        assertFalse(response.body().contains("[DONE]"));
    }

    @Test
    void aModelCardIsWhatTheSpecDeclares() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(STANDIN + "/v1/models/grok-3"))
                .header("Authorization", "Bearer test").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        spec.assertResponseValid("get", "/v1/models/{model_id}", 200, "application/json", response.body());
        assertEquals("grok-3", JSON.readTree(response.body()).path("id").asText());
    }

    @Test
    void theOracleRejectsAChunkTheSpecDoesNotAllow() throws Exception {
        JsonNode withoutServiceTier = JSON.readTree("{\"id\":\"x\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1,\"model\":\"grok-4\",\"choices\":[{\"index\":0,\"delta\":{\"content\":1}}],"
                + "\"usage\":{\"prompt_tokens\":1}}");
        List<String> problems = spec.streamChunkProblems(withoutServiceTier);
        assertTrue(problems.stream().anyMatch(p -> p.contains("service_tier")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("content")), problems.toString());
    }

    @Test
    void missingFieldsAreFlatInvalidArgumentErrors() throws Exception {
        HttpResponse<String> noModel = post("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(400, noModel.statusCode());
        JsonNode error = JSON.readTree(noModel.body());
        assertEquals("invalid-argument", error.path("code").asText());
        assertTrue(error.path("error").isTextual());
    }
}
