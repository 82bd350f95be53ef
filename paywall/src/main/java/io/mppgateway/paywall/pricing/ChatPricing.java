package io.mppgateway.paywall.pricing;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Validates a chat or fill-in-the-middle completion body and prices the worst case of exactly what goes upstream:
 * every input byte a token (images apart, each at the model's image tokens), the output limit for every choice
 * ({@code n}), the reasoning the limit does not bound, plus margin, rounded up to base units. Without an output limit
 * the default one is quoted and sent upstream. A quote above the route's largest charge is refused with the largest
 * acceptable value, never clamped below cost. Everything here happens before any payment.
 */
@ApplicationScoped
public class ChatPricing {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    /** Content chunks priced per image. */
    private static final Set<String> IMAGE_CHUNKS = Set.of("image_url", "input_image");
    /** Content chunks the upstream reads at a size their bytes do not bound (a document behind a URL, audio). */
    private static final Set<String> UNBOUNDED_CHUNKS = Set.of("document_url", "file", "text_file", "input_audio",
            "input_file");
    /** Room for what a route's shaper adds to the quoted body (e.g. {@code "stream_options":{"include_usage":true}}). */
    static final long SHAPER_ALLOWANCE_BYTES = 64;
    /** The most choices one call may ask for (OpenAI's limit; every choice is priced, so the quote stays exact). */
    static final int MAX_CHOICES = 128;

    private final ModelCatalogue catalogue;

    public ChatPricing(ModelCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * @param route          the paid route's name (its largest charge per call may be configured)
     * @param maxTokenFields the body fields that cap output, the one sent upstream first (e.g.
     *                       max_completion_tokens, max_tokens)
     */
    public ChatQuote quote(JsonNode root, String route, String... maxTokenFields) {
        ModelCatalogue.Priced model = catalogue.model(root, ModelUse.CHAT);
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw new InvalidRequestException("messages", "missing_required_parameter", "messages is required");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequestException("messages", "invalid_value", "messages must be a non-empty array");
        }
        Content content = new Content();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode role = messages.get(i).path("role");
            if (!role.isTextual() || !ROLES.contains(role.asText())) {
                throw new InvalidRequestException("messages[" + i + "].role", "invalid_value",
                        "messages[" + i + "].role must be one of " + ROLES);
            }
            content.add(messages.get(i).path("content"));
        }
        return price(root, route, model, content, "messages", ToolCalls.NONE, maxTokenFields);
    }

    /**
     * A Responses API call ({@code /v1/responses}): {@code input} (a string, or items whose {@code content} may hold
     * images and files) and every other field are the input; the server-side tool calls it may make are priced in on
     * top. A {@code previous_response_id} makes the input a stored conversation whose size the body does not bound:
     * priced at the model's whole context window, as a document is.
     *
     * @param tools the server-side tool calls the request can make upstream (bounded by the caller)
     */
    public ChatQuote quoteResponses(JsonNode root, String route, ToolCalls tools, String... maxTokenFields) {
        ModelCatalogue.Priced model = catalogue.model(root, ModelUse.CHAT);
        JsonNode input = root.get("input");
        if (input == null || input.isNull()) {
            throw new InvalidRequestException("input", "missing_required_parameter", "input is required");
        }
        Content content = new Content();
        if (input.isTextual()) {
            if (input.asText().isBlank()) {
                throw new InvalidRequestException("input", "invalid_value", "input must not be blank");
            }
        } else if (input.isArray() && !input.isEmpty()) {
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                if (!item.isObject()) {
                    throw new InvalidRequestException("input[" + i + "]", "invalid_type",
                            "input[" + i + "] must be an object (a message or an item)");
                }
                JsonNode role = item.get("role");
                if (role != null && (!role.isTextual() || !ROLES.contains(role.asText()))) {
                    throw new InvalidRequestException("input[" + i + "].role", "invalid_value",
                            "input[" + i + "].role must be one of " + ROLES);
                }
                content.add(item.path("content"));
            }
        } else {
            throw new InvalidRequestException("input", "invalid_type",
                    "input must be a non-empty string or a non-empty array of items");
        }
        JsonNode previous = root.get("previous_response_id");
        if (previous != null && !previous.isNull()) {
            content.unbounded = true; // the stored conversation is read upstream, whatever this body's size
        }
        return price(root, route, model, content, "input", tools, maxTokenFields);
    }

    /** A fill-in-the-middle completion: the prompt, the suffix and every other field are the input. */
    public ChatQuote quoteFim(JsonNode root, String route, String... maxTokenFields) {
        ModelCatalogue.Priced model = catalogue.model(root, ModelUse.FIM);
        JsonNode prompt = root.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw new InvalidRequestException("prompt", "missing_required_parameter", "prompt is required");
        }
        if (!prompt.isTextual()) {
            throw new InvalidRequestException("prompt", "invalid_type", "prompt must be a string");
        }
        return price(root, route, model, new Content(), "prompt", ToolCalls.NONE, maxTokenFields);
    }

    private ChatQuote price(JsonNode root, String route, ModelCatalogue.Priced model, Content content,
            String inputParam, ToolCalls tools, String... maxTokenFields) {
        PricingConfig.ModelPrice price = model.price();
        JsonNode stream = root.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw new InvalidRequestException("stream", "invalid_type", "stream must be a boolean");
        }
        long choices = choices(root);
        OutputLimit limit = outputLimit(root, price, maxTokenFields);
        byte[] upstreamBody = null;
        long bodyBytes;
        if (limit.field() == null) {
            // no output limit given: the one quoted goes upstream, or the model could write up to its own maximum
            ObjectNode bounded = root.deepCopy();
            bounded.put(maxTokenFields[0], limit.tokens());
            upstreamBody = bounded.toString().getBytes(StandardCharsets.UTF_8);
            bodyBytes = upstreamBody.length;
        } else {
            // the buyer's body as its content counts: compact, strings decoded (what tokenizers read)
            bodyBytes = root.toString().getBytes(StandardCharsets.UTF_8).length;
        }
        long inputTokens;
        if (content.unbounded) {
            inputTokens = price.contextTokens().orElseThrow(() -> new InvalidRequestException(inputParam,
                    "invalid_value", "documents, files and audio in messages are not sold for " + model.id()
                            + " (their size cannot be bounded before the call)"));
        } else {
            long textBytes = Math.max(0, bodyBytes - content.imageBytes) + SHAPER_ALLOWANCE_BYTES;
            inputTokens = Math.ceilDiv(textBytes, catalogue.config().bytesPerInputToken());
            inputTokens = Math.min(inputTokens, price.contextTokens().orElse(Long.MAX_VALUE));
        }
        long imageTokens = content.images * price.imageTokens().orElse(catalogue.config().imageTokens());
        WorstCase worst = new WorstCase(price, inputTokens, imageTokens, tools);
        long max = catalogue.maxPerCall(price, route);
        long upstream = worst.cost(choices, limit.tokens());
        long amount = catalogue.charge(upstream, price);
        if (amount > max) {
            refuse(model, inputParam, maxTokenFields, limit, choices, worst, bodyBytes, content, max);
        }
        return new ChatQuote(model.id(), inputTokens, content.images, limit.tokens(), choices,
                price.reasoningTokens(), tools, upstream, amount, stream != null && stream.asBoolean(), upstreamBody);
    }

    /**
     * The most a call can cost upstream: the input once (text tokens, image tokens at the image rate), and for every
     * choice the output limit and the reasoning the limit does not bound, at the output price; all at the
     * long-context prices when the request may reach the model's long-context threshold; plus the server-side tool
     * calls, each at its price per call with its results read back as input.
     */
    record WorstCase(PricingConfig.ModelPrice price, long inputTokens, long imageTokens, ToolCalls tools) {
        long cost(long choices, long outputTokens) {
            long output = Math.multiplyExact(choices, outputTokens + price.reasoningTokens());
            long textInput = Math.addExact(inputTokens, tools.resultTokens());
            boolean longContext = price.longContextThreshold()
                    .map(threshold -> textInput + imageTokens + output > threshold).orElse(false);
            long input = longContext ? price.longContextInputPerMillion().orElse(price.inputPerMillion())
                    : price.inputPerMillion();
            long image = price.imageInputPerMillion().orElse(input);
            long out = longContext ? price.longContextOutputPerMillion().orElse(price.outputPerMillion())
                    : price.outputPerMillion();
            return ModelCatalogue.tokenCost(textInput, input) + ModelCatalogue.tokenCost(imageTokens, image)
                    + ModelCatalogue.tokenCost(output, out) + tools.invocationCost();
        }
    }

    /** Says what the largest acceptable request is: a smaller output limit, fewer choices, or a smaller input. */
    private void refuse(ModelCatalogue.Priced model, String inputParam, String[] maxTokenFields, OutputLimit limit,
            long choices, WorstCase worst, long bodyBytes, Content content, long max) {
        PricingConfig.ModelPrice price = model.price();
        String field = limit.field() == null ? maxTokenFields[0] : limit.field();
        long tokens = ModelCatalogue.largestWithin(limit.tokens(), max,
                t -> catalogue.charge(worst.cost(choices, t), price));
        if (tokens > 0) {
            throw new InvalidRequestException(field, "invalid_value", field + " must be ≤ "
                    + ModelCatalogue.grouped(tokens) + " for one paid call to " + model.id()
                    + (choices > 1 ? " with n=" + choices : "")
                    + (limit.field() == null ? " (none was given: " + ModelCatalogue.grouped(limit.tokens())
                            + " would be quoted and sent upstream)" : ""));
        }
        long n = ModelCatalogue.largestWithin(choices, max,
                c -> catalogue.charge(worst.cost(c, 1), price));
        if (n > 0) {
            throw new InvalidRequestException("n", "invalid_value", "n must be ≤ " + ModelCatalogue.grouped(n)
                    + " for one paid call to " + model.id() + " (with " + field + "=1)");
        }
        throw new InvalidRequestException(inputParam, "request_too_large", "the request is too large for one "
                + "paid call to " + model.id() + ": its input (" + ModelCatalogue.grouped(bodyBytes) + " bytes"
                + (content.images > 0 ? ", " + content.images + " images" : "") + ")"
                + (price.reasoningTokens() > 0 ? " and the model's reasoning" : "")
                + (worst.tools().calls() > 0 ? " and up to " + worst.tools().calls() + " server-side tool calls" : "") + " may cost up to "
                + ModelCatalogue.grouped(worst.cost(1, 0)) + " base units upstream, and one call may be charged at most "
                + ModelCatalogue.grouped(max));
    }

    private static long choices(JsonNode root) {
        JsonNode n = root.get("n");
        if (n == null || n.isNull()) {
            return 1;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1 || n.asInt() > MAX_CHOICES) {
            throw new InvalidRequestException("n", "invalid_value", "n must be an integer from 1 to " + MAX_CHOICES);
        }
        return n.asInt();
    }

    /** The largest output limit the body gives (all given fields are validated), or the default one. */
    private OutputLimit outputLimit(JsonNode root, PricingConfig.ModelPrice price, String... fields) {
        String given = null;
        long tokens = 0;
        for (String field : fields) {
            JsonNode value = root.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
                throw new InvalidRequestException(field, "invalid_value", field + " must be a positive integer");
            }
            if (value.asLong() > price.maxOutputTokens()) {
                throw new InvalidRequestException(field, "invalid_value", field + " " + value.asLong()
                        + " exceeds the model's limit of " + price.maxOutputTokens());
            }
            if (value.asLong() > tokens) {
                given = field;
                tokens = value.asLong();
            }
        }
        return given != null ? new OutputLimit(given, tokens)
                : new OutputLimit(null, Math.min(catalogue.config().defaultOutputTokens(), price.maxOutputTokens()));
    }

    /** @param field the body field that gave it, or null when the default is quoted */
    private record OutputLimit(String field, long tokens) {
    }

    /** What the messages hold besides text: images (priced per image) and chunks whose size the bytes do not bound. */
    private static final class Content {
        long images;
        long imageBytes;
        boolean unbounded;

        void add(JsonNode content) {
            if (!content.isArray()) {
                return;
            }
            for (JsonNode chunk : content) {
                String type = chunk.path("type").asText("");
                if (IMAGE_CHUNKS.contains(type)) {
                    images++;
                    // an image is priced per image, not by its URL's (or data URL's) length
                    imageBytes += chunk.toString().getBytes(StandardCharsets.UTF_8).length;
                } else if (UNBOUNDED_CHUNKS.contains(type)) {
                    unbounded = true;
                }
            }
        }
    }
}
