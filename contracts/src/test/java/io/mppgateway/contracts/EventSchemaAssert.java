package io.mppgateway.contracts;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** Test helper for producers: asserts that an emitted event validates against its topic's JSON Schema. */
public final class EventSchemaAssert {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private EventSchemaAssert() {
    }

    public static void assertValid(String topic, String json) {
        Set<ValidationMessage> errors = validate(topic, json);
        assertTrue(errors.isEmpty(), () -> topic + " event violates its schema: "
                + errors.stream().map(ValidationMessage::getMessage).collect(Collectors.joining("; ")) + " in " + json);
    }

    public static Set<ValidationMessage> validate(String topic, String json) {
        try (InputStream schema = EventSchemaAssert.class.getResourceAsStream("/schemas/" + topic + ".schema.json")) {
            if (schema == null) {
                throw new IllegalArgumentException("no schema for topic " + topic);
            }
            JsonSchema jsonSchema = FACTORY.getSchema(schema, com.networknt.schema.SchemaValidatorsConfig.builder()
                    .formatAssertionsEnabled(true).build());
            JsonNode node = MAPPER.readTree(json);
            return jsonSchema.validate(node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
