package io.mppgateway.mistral.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.mistral.testing.MistralSpec;
import io.mppgateway.paywall.testing.SseBuyer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The WireMock stand-in (deploy/standin, running on 127.0.0.1:8090) answers every route as Mistral's OpenAPI document
 * says: success bodies, 422s, event streams chunk by chunk, and the documented error object for the injected
 * failures (whose statuses the spec does not declare).
 */
class StandInConformanceTest {
    private static final String STANDIN = LocalStack.STANDIN + "/mistral";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static MistralSpec spec;

    @BeforeAll
    static void loadSpec() throws Exception {
        spec = MistralSpec.load();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(STANDIN + path)).header("Authorization", "Bearer test")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(STANDIN + path)).header("Authorization", "Bearer test")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/v1/chat/completions|{\"model\":\"mistral-small-latest\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "/v1/fim/completions|{\"model\":\"codestral-latest\",\"prompt\":\"def add(a, b):\",\"suffix\":\"\"}",
            "/v1/embeddings|{\"model\":\"mistral-embed\",\"input\":[\"one\",\"two\"]}",
            "/v1/moderations|{\"model\":\"mistral-moderation-latest\",\"input\":\"hello\"}",
            "/v1/chat/moderations|{\"model\":\"mistral-moderation-latest\",\"input\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "/v1/ocr|{\"model\":\"mistral-ocr-latest\",\"document\":{\"type\":\"document_url\",\"document_url\":\"https://example.com/a.pdf\"}}"
    })
    void everyPostRouteAnswersWhatTheSpecDeclares(String path, String body) throws Exception {
        spec.assertRequestValid(path, body);
        HttpResponse<String> response = post(path, body);
        assertEquals(200, response.statusCode(), response.body());
        spec.assertResponseValid("post", path, 200, "application/json", response.body());
    }

    @Test
    void embeddingsAndModerationsAnswerOnceForEachInput() throws Exception {
        JsonNode embeddings = JSON.readTree(post("/v1/embeddings",
                "{\"model\":\"mistral-embed\",\"input\":[\"a\",\"b\",\"c\"]}").body());
        assertEquals(3, embeddings.path("data").size());
        assertEquals(2, embeddings.path("data").get(2).path("index").asInt());
        assertEquals(15, embeddings.path("usage").path("prompt_tokens").asInt());
        JsonNode moderation = JSON.readTree(post("/v1/moderations",
                "{\"model\":\"mistral-moderation-latest\",\"input\":[\"a\",\"b\"]}").body());
        assertEquals(2, moderation.path("results").size());
        assertTrue(moderation.path("usage").isMissingNode(), "moderation answers carry no usage");
        JsonNode ocr = JSON.readTree(post("/v1/ocr", "{\"model\":\"mistral-ocr-latest\",\"document\":"
                + "{\"type\":\"document_url\",\"document_url\":\"https://example.com/a.pdf\"}}").body());
        assertEquals(2, ocr.path("usage_info").path("pages_processed").asInt());
    }

    @Test
    void modelsAreListedAndRetrievedAsTheSpecDeclares() throws Exception {
        HttpResponse<String> list = get("/v1/models");
        assertEquals(200, list.statusCode());
        spec.assertResponseValid("get", "/v1/models", 200, "application/json", list.body());
        assertEquals(16, JSON.readTree(list.body()).path("data").size());
        HttpResponse<String> one = get("/v1/models/codestral-latest");
        assertEquals(200, one.statusCode());
        spec.assertResponseValid("get", "/v1/models/{model_id}", 200, "application/json", one.body());
        assertEquals("codestral-latest", JSON.readTree(one.body()).path("id").asText());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/v1/chat/completions|{\"model\":\"mistral-small-latest\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|7|19",
            "/v1/fim/completions|{\"model\":\"codestral-latest\",\"stream\":true,\"prompt\":\"def add(a, b):\"}|6|15"
    })
    void streamsAreDataOnlyEventsOfCompletionChunksEndingWithDone(String path, String body, int contentChunks,
            int totalTokens) throws Exception {
        spec.assertRequestValid(path, body);
        // data-only events of CompletionChunks ending with [DONE], the role first, one id per stream
        List<JsonNode> chunks = SseBuyer.chunksOfCompleteStream(post(path, body), spec::streamChunkProblems);
        assertEquals(contentChunks + 1, chunks.size(), "a role chunk, then one chunk per token");
        JsonNode last = chunks.getLast();
        assertEquals("stop", last.at("/choices/0/finish_reason").asText());
        assertEquals(totalTokens, last.at("/usage/total_tokens").asInt());
        assertTrue(chunks.getFirst().path("usage").isMissingNode(), "usage only on the last chunk");
    }

    @Test
    void missingFieldsAre422HttpValidationErrors() throws Exception {
        HttpResponse<String> noModel = post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(422, noModel.statusCode());
        spec.assertResponseValid("post", "/v1/chat/completions", 422, "application/json", noModel.body());
        HttpResponse<String> noPrompt = post("/v1/fim/completions", "{\"model\":\"codestral-latest\"}");
        assertEquals(422, noPrompt.statusCode());
        spec.assertResponseValid("post", "/v1/fim/completions", 422, "application/json", noPrompt.body());
    }

    @Test
    void injectedFailuresUseTheDocumentedErrorObject() throws Exception {
        String chat = "{\"model\":\"mistral-small-latest\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";
        HttpResponse<String> failed = post("/v1/chat/completions", chat.formatted("standin:fail-500"));
        assertEquals(500, failed.statusCode());
        assertEquals(List.of(), MistralSpec.documentedErrorProblems(JSON.readTree(failed.body())));
        HttpResponse<String> limited = post("/v1/embeddings",
                "{\"model\":\"mistral-embed\",\"input\":\"standin:rate-limit\"}");
        assertEquals(429, limited.statusCode());
        assertEquals("1", limited.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("rate_limit_error", JSON.readTree(limited.body()).path("type").asText());
        assertEquals(List.of(), MistralSpec.documentedErrorProblems(JSON.readTree(limited.body())));
    }
}
