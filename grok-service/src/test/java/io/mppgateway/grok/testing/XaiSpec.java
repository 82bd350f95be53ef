package io.mppgateway.grok.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.paywall.testing.OpenApiSchemas;

/**
 * xAI's own OpenAPI document ({@code ${shared.dir}/specs/xai-openapi.json}) as a test oracle: request bodies,
 * responses and stream chunks are checked against the schemas the spec gives them.
 */
public final class XaiSpec extends OpenApiSchemas {
    private static XaiSpec instance;

    private XaiSpec(ObjectNode spec) {
        super(spec);
    }

    public static synchronized XaiSpec load() throws IOException {
        if (instance == null) {
            instance = new XaiSpec(readSharedSpec("xai-openapi.json", new ObjectMapper()));
        }
        return instance;
    }

    /** Problems of one server-sent event's data of a chat completion stream (a ChatResponseChunk). */
    public List<String> streamChunkProblems(JsonNode chunk) {
        List<String> problems = new ArrayList<>(componentProblems("ChatResponseChunk", chunk));
        // the schema only describes the constant: "always chat.completion.chunk"
        if (!"chat.completion.chunk".equals(chunk.path("object").asText())) {
            problems.add("$.object: expected \"chat.completion.chunk\"");
        }
        return problems;
    }
}
