package io.mppgateway.mistral.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Mistral's own OpenAPI document ({@code ${shared.dir}/specs/mistral-openapi.yaml}, OpenAPI 3.1 = JSON Schema 2020-12)
 * as a test oracle: request bodies and responses are checked against the schemas the spec gives each operation.
 * One documented spec quirk is patched: ChatCompletionResponse requires a {@code data} property it never defines
 * (upstream-apis.md §1.4), which no real chat completion has.
 */
public final class MistralSpec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static MistralSpec instance;

    private final ObjectNode spec;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private MistralSpec(ObjectNode spec) {
        this.spec = spec;
    }

    public static synchronized MistralSpec load() throws Exception {
        if (instance == null) {
            Path file = Path.of(System.getProperty("shared.dir", "../../shared"), "specs", "mistral-openapi.yaml");
            assertTrue(Files.exists(file), "the Mistral spec is expected at " + file.toAbsolutePath()
                    + " (-Dshared.dir=...)");
            ObjectNode spec = (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
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

    /** Problems of a request body sent to {@code POST path} (e.g. /v1/chat/completions); empty when valid. */
    public List<String> requestProblems(String path, JsonNode body) {
        return problems(operationPointer(path, "post") + "/requestBody/content/application~1json/schema", body);
    }

    /** Problems of a response of {@code method path} with this status and media type; empty when valid. */
    public List<String> responseProblems(String method, String path, int status, String mediaType, JsonNode body) {
        return problems(operationPointer(path, method) + "/responses/" + status + "/content/"
                + mediaType.replace("/", "~1") + "/schema", body);
    }

    /** Problems of one server-sent event's data (a CompletionChunk of a chat or FIM stream). */
    public List<String> streamChunkProblems(JsonNode chunk) {
        return problems("/components/schemas/CompletionChunk", chunk);
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
