package io.mppgateway.paywall.pricing;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Validates a chat completion body and prices it (ARCHITECTURE §5): input estimate × input price + output tokens ×
 * output price, plus margin, rounded up to base units and clamped to [min, max]. Everything here happens before any
 * payment, so a bad request never costs the buyer anything.
 */
@ApplicationScoped
public class ChatPricing {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final long MILLION = 1_000_000L;
    /** A conservative 1 token per 3 bytes of message JSON; real tokenizers average ~4. */
    private static final long BYTES_PER_TOKEN = 3;

    private final PricingConfig pricing;
    private final ObjectMapper mapper;

    public ChatPricing(PricingConfig pricing, ObjectMapper mapper) {
        this.pricing = pricing;
        this.mapper = mapper;
    }

    /**
     * @param maxTokenFields the body fields that cap output, in order of precedence (e.g. max_completion_tokens,
     *                       max_tokens)
     */
    public ChatQuote quote(byte[] body, String... maxTokenFields) {
        JsonNode root = parse(body);
        JsonNode model = root.get("model");
        if (model == null || model.isNull()) {
            throw new InvalidRequestException("model", "missing_required_parameter", "model is required");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw new InvalidRequestException("model", "invalid_type", "model must be a non-empty string");
        }
        PricingConfig.ModelPrice price = pricing.models().get(model.asText());
        if (price == null) {
            throw new InvalidRequestException("model", "unknown_model",
                    "Invalid model: " + model.asText() + ". Available: " + pricing.models().keySet());
        }
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw new InvalidRequestException("messages", "missing_required_parameter", "messages is required");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequestException("messages", "invalid_value", "messages must be a non-empty array");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode role = messages.get(i).path("role");
            if (!role.isTextual() || !ROLES.contains(role.asText())) {
                throw new InvalidRequestException("messages[" + i + "].role", "invalid_value",
                        "messages[" + i + "].role must be one of " + ROLES);
            }
        }
        JsonNode stream = root.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw new InvalidRequestException("stream", "invalid_type", "stream must be a boolean");
        }
        long output = outputTokens(root, price, maxTokenFields);
        long input = ceilDiv(messages.toString().length(), BYTES_PER_TOKEN);
        long upstream = ceilDiv(input * price.inputPerMillion(), MILLION)
                + ceilDiv(output * price.outputPerMillion(), MILLION);
        long withMargin = ceilDiv(upstream * (10_000 + pricing.marginBps()), 10_000);
        long amount = Math.max(pricing.minPerCall(), Math.min(pricing.maxPerCall(), withMargin));
        return new ChatQuote(model.asText(), input, output, upstream, amount, stream != null && stream.asBoolean());
    }

    private long outputTokens(JsonNode root, PricingConfig.ModelPrice price, String... fields) {
        for (String field : fields) {
            JsonNode value = root.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isIntegralNumber() || value.asLong() < 1) {
                throw new InvalidRequestException(field, "invalid_value", field + " must be a positive integer");
            }
            if (value.asLong() > price.maxOutputTokens()) {
                throw new InvalidRequestException(field, "invalid_value", field + " " + value.asLong()
                        + " exceeds the model's limit of " + price.maxOutputTokens());
            }
            return value.asLong();
        }
        return Math.min(pricing.defaultOutputTokens(), price.maxOutputTokens());
    }

    private JsonNode parse(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (Exception e) {
            throw new InvalidRequestException(null, "invalid_json", "request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException(null, "invalid_json", "request body must be a JSON object");
        }
        return root;
    }

    static long ceilDiv(long a, long b) {
        return Math.ceilDiv(a, b);
    }
}
