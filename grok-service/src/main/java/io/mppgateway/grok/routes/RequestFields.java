package io.mppgateway.grok.routes;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.paywall.pricing.InvalidRequestException;

/** Checks of single request fields before payment, refused in xAI's terms (param + code + message). */
public final class RequestFields {
    private RequestFields() {
    }

    /** A required non-blank string. */
    public static String requiredText(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidRequestException(field, "missing_required_parameter", field + " is required");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRequestException(field, "invalid_type", field + " must be a non-empty string");
        }
        return value.asText();
    }

    /** An optional string, or {@code fallback} when absent or null. */
    public static String optionalText(JsonNode root, String field, String fallback) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException(field, "invalid_type", field + " must be a string");
        }
        return value.asText();
    }

    /** An optional string from a closed set. */
    public static String optionalOneOf(JsonNode root, String field, Set<String> allowed, String fallback) {
        String value = optionalText(root, field, fallback);
        if (value != null && !allowed.contains(value)) {
            throw new InvalidRequestException(field, "invalid_value", field + " must be one of "
                    + allowed.stream().sorted().toList() + ", not '" + value + "'");
        }
        return value;
    }

    /** An optional integer in [min, max]. */
    public static long optionalInt(JsonNode root, String field, long min, long max, long fallback) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new InvalidRequestException(field, "invalid_type", field + " must be an integer");
        }
        long n = value.asLong();
        if (n < min || n > max) {
            throw new InvalidRequestException(field, "invalid_value",
                    field + " must be between " + min + " and " + max + ", not " + n);
        }
        return n;
    }

    /** An optional boolean. */
    public static boolean optionalBoolean(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidRequestException(field, "invalid_type", field + " must be a boolean");
        }
        return value.asBoolean();
    }
}
