package io.mppgateway.paywall.pricing;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Validates a chat or fill-in-the-middle completion body and prices it (ARCHITECTURE §5): input estimate × input
 * price + output tokens × output price, plus margin, rounded up to base units and clamped to [min, max]. Everything
 * here happens before any payment, so a bad request never costs the buyer anything.
 */
@ApplicationScoped
public class ChatPricing {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    /** A conservative 1 token per 3 bytes of message JSON; real tokenizers average ~4. */
    private static final long BYTES_PER_TOKEN = 3;

    private final ModelCatalogue catalogue;

    public ChatPricing(ModelCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * @param maxTokenFields the body fields that cap output, in order of precedence (e.g. max_completion_tokens,
     *                       max_tokens)
     */
    public ChatQuote quote(byte[] body, String... maxTokenFields) {
        return quote(catalogue.parse(body), maxTokenFields);
    }

    /** The same, for a body already parsed into a JSON object. */
    public ChatQuote quote(JsonNode root, String... maxTokenFields) {
        ModelCatalogue.Priced model = catalogue.model(root, ModelUse.CHAT);
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
        return price(root, model, messages.toString().length(), maxTokenFields);
    }

    /** A fill-in-the-middle completion: the input is the prompt and the suffix. */
    public ChatQuote quoteFim(byte[] body, String... maxTokenFields) {
        return quoteFim(catalogue.parse(body), maxTokenFields);
    }

    /** The same, for a body already parsed into a JSON object. */
    public ChatQuote quoteFim(JsonNode root, String... maxTokenFields) {
        ModelCatalogue.Priced model = catalogue.model(root, ModelUse.FIM);
        JsonNode prompt = root.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw new InvalidRequestException("prompt", "missing_required_parameter", "prompt is required");
        }
        if (!prompt.isTextual()) {
            throw new InvalidRequestException("prompt", "invalid_type", "prompt must be a string");
        }
        JsonNode suffix = root.path("suffix");
        long inputBytes = prompt.asText().length() + (suffix.isTextual() ? suffix.asText().length() : 0);
        return price(root, model, inputBytes, maxTokenFields);
    }

    private ChatQuote price(JsonNode root, ModelCatalogue.Priced model, long inputBytes, String... maxTokenFields) {
        JsonNode stream = root.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw new InvalidRequestException("stream", "invalid_type", "stream must be a boolean");
        }
        long output = outputTokens(root, model.price(), maxTokenFields);
        long input = Math.ceilDiv(inputBytes, BYTES_PER_TOKEN);
        long upstream = Math.ceilDiv(input * model.price().inputPerMillion(), ModelCatalogue.MILLION)
                + Math.ceilDiv(output * model.price().outputPerMillion(), ModelCatalogue.MILLION);
        long amount = catalogue.withMarginClamped(upstream, model.price());
        return new ChatQuote(model.id(), input, output, upstream, amount, stream != null && stream.asBoolean());
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
        return Math.min(catalogue.config().defaultOutputTokens(), price.maxOutputTokens());
    }
}
