package io.mppgateway.grok.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * xAI's own OpenAPI document ({@code ${shared.dir}/specs/xai-openapi.json}, OpenAPI 3.1 = JSON Schema 2020-12) as a
 * test oracle: request bodies, responses and stream chunks are checked against the schemas the spec gives them.
 */
public final class XaiSpec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static XaiSpec instance;

    private final ObjectNode spec;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private XaiSpec(ObjectNode spec) {
        this.spec = spec;
    }

    public static synchronized XaiSpec load() throws Exception {
        if (instance == null) {
            Path file = Path.of(System.getProperty("shared.dir", "../../shared"), "specs", "xai-openapi.json");
            assertTrue(Files.exists(file), "the xAI spec is expected at " + file.toAbsolutePath()
                    + " (-Dshared.dir=...)");
            instance = new XaiSpec((ObjectNode) JSON.readTree(file.toFile()));
        }
        return instance;
    }

    /** Problems of a request body sent to {@code POST path} (e.g. /v1/chat/completions); empty when valid. */
    public List<String> requestProblems(String path, JsonNode body) {
        return problems(operationPointer(path, "post") + "/requestBody/content/application~1json/schema", body);
    }

    /** Problems of a response of {@code method path} with this status and media type; empty when valid. */
    public List<String> responseProblems(String method, String path, int status, String mediaType, JsonNode body) {
        return problems(operationPointer(path, method) + "/responses/" + status + "/content/"
                + mediaType.replace("/", "~1") + "/schema", body);
    }

    /** Problems of one server-sent event's data of a chat completion stream (a ChatResponseChunk). */
    public List<String> streamChunkProblems(JsonNode chunk) {
        List<String> problems = new java.util.ArrayList<>(problems("/components/schemas/ChatResponseChunk", chunk));
        // the schema only describes the constant: "always chat.completion.chunk"
        if (!"chat.completion.chunk".equals(chunk.path("object").asText())) {
            problems.add("$.object: expected \"chat.completion.chunk\"");
        }
        return problems;
    }

    public void assertRequestValid(String path, String body) throws Exception {
        assertEquals(List.of(), requestProblems(path, JSON.readTree(body)), "request to " + path + ": " + body);
    }

    public void assertResponseValid(String method, String path, int status, String mediaType, String body)
            throws Exception {
        assertEquals(List.of(), responseProblems(method, path, status, mediaType, JSON.readTree(body)),
                method + " " + path + " " + status + ": " + body);
    }

    private static String operationPointer(String path, String method) {
        return "/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method;
    }

    private List<String> problems(String pointer, JsonNode instanceNode) {
        if (spec.at(pointer).isMissingNode()) {
            return List.of("the spec has nothing at " + pointer);
        }
        JsonSchema schema = schemas.computeIfAbsent(pointer, p -> {
            ObjectNode root = spec.deepCopy();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.put("$ref", "#" + p);
            return factory.getSchema(root);
        });
        Set<ValidationMessage> messages = schema.validate(instanceNode);
        return messages.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.toList());
    }
}
