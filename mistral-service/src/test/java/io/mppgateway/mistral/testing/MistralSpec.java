package io.mppgateway.mistral.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.mppgateway.paywall.testing.OpenApiSchemas;

/**
 * Mistral's own OpenAPI document ({@code ${shared.dir}/specs/mistral-openapi.yaml}) as a test oracle: request bodies
 * and responses are checked against the schemas the spec gives each operation.
 * One documented spec quirk is patched: ChatCompletionResponse requires a {@code data} property it never defines
 * (upstream-apis.md §1.4), which no real chat completion has.
 */
public final class MistralSpec extends OpenApiSchemas {
    private static MistralSpec instance;

    private MistralSpec(ObjectNode spec) {
        super(spec);
    }

    public static synchronized MistralSpec load() throws IOException {
        if (instance == null) {
            ObjectNode spec = readSharedSpec("mistral-openapi.yaml", new ObjectMapper(new YAMLFactory()));
            ArrayNode required = (ArrayNode) spec.at("/components/schemas/ChatCompletionResponse/allOf/1/required");
            for (int i = required.size() - 1; i >= 0; i--) {
                if ("data".equals(required.get(i).asText())) {
                    required.remove(i);
                }
            }
            instance = new MistralSpec(spec);
        }
        return instance;
    }

    /** Problems of one server-sent event's data (a CompletionChunk of a chat or FIM stream). */
    public List<String> streamChunkProblems(JsonNode chunk) {
        return componentProblems("CompletionChunk", chunk);
    }

    /** Problems of a body against the error object the error glossary documents for non-422 errors. */
    public static List<String> documentedErrorProblems(JsonNode body) {
        List<String> problems = new ArrayList<>();
        for (String field : List.of("object", "message", "type")) {
            if (!body.path(field).isTextual()) {
                problems.add("$." + field + ": expected a string");
            }
        }
        if (!"error".equals(body.path("object").asText())) {
            problems.add("$.object: expected \"error\"");
        }
        if (!Set.of("invalid_request_error", "authentication_error", "rate_limit_error", "server_error")
                .contains(body.path("type").asText())) {
            problems.add("$.type: not a documented error type");
        }
        return problems;
    }
}
