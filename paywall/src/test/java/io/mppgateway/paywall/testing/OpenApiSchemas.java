package io.mppgateway.paywall.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
 * A provider's own OpenAPI 3.1 document as a test oracle: since 3.1 schemas are JSON Schema 2020-12, request bodies,
 * responses and stream chunks are checked against the schema the spec gives them. Each provider module extends this
 * with its spec file, its patches of documented spec quirks, and its stream chunk schema.
 */
public class OpenApiSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode spec;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    public OpenApiSchemas(ObjectNode spec) {
        this.spec = spec;
    }

    /**
     * The document {@code ${shared.dir}/specs/<fileName>}, read with the parser for its format (a plain or a YAML
     * {@link ObjectMapper}); the parser is the caller's so that only modules with YAML specs need the YAML library.
     */
    public static ObjectNode readSharedSpec(String fileName, ObjectMapper parser) throws IOException {
        Path file = Path.of(System.getProperty("shared.dir", "../../shared"), "specs", fileName);
        assertTrue(Files.exists(file), "the spec " + fileName + " is expected at " + file.toAbsolutePath()
                + " (-Dshared.dir=...)");
        return (ObjectNode) parser.readTree(file.toFile());
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

    /** Problems of a value against the named schema of {@code components/schemas}; empty when valid. */
    public List<String> componentProblems(String schemaName, JsonNode value) {
        return problems("/components/schemas/" + schemaName, value);
    }

    public void assertRequestValid(String path, String body) throws IOException {
        assertEquals(List.of(), requestProblems(path, JSON.readTree(body)), "request to " + path + ": " + body);
    }

    public void assertResponseValid(String method, String path, int status, String mediaType, String body)
            throws IOException {
        assertEquals(List.of(), responseProblems(method, path, status, mediaType, JSON.readTree(body)),
                method + " " + path + " " + status + ": " + body);
    }

    private static String operationPointer(String path, String method) {
        return "/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method;
    }

    private List<String> problems(String pointer, JsonNode value) {
        if (spec.at(pointer).isMissingNode()) {
            return List.of("the spec has nothing at " + pointer);
        }
        // the whole document stays the root, so that the schema's $refs into components resolve
        JsonSchema schema = schemas.computeIfAbsent(pointer, p -> {
            ObjectNode root = spec.deepCopy();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.put("$ref", "#" + p);
            return factory.getSchema(root);
        });
        Set<ValidationMessage> messages = schema.validate(value);
        return messages.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.toList());
    }
}
