package io.mppgateway.grok.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.route.UpstreamRequest;

/**
 * A {@code stream:true} chat as sent to xAI. The ledger needs every call's tokens, and xAI streams them only in an
 * extra usage-only chunk (empty {@code choices}) before {@code [DONE]}, and only when
 * {@code stream_options.include_usage} is true. So the upstream is always asked for that chunk; a buyer who did not
 * ask for it does not get it, since OpenAI-style clients that did not ask are not required to expect a chunk
 * without choices.
 *
 * @param upstreamBody       the buyer's bytes, or a copy asking for the usage chunk when the buyer did not
 * @param buyerAskedForUsage the buyer sent {@code stream_options.include_usage:true}
 */
public record StreamedChatRequest(byte[] upstreamBody, boolean buyerAskedForUsage) {

    /** Validates {@code stream_options} (before any payment) and makes sure the upstream is asked for usage. */
    /** @param buyerBody the buyer's body, with the bounds the quote added (an output limit) */
    public static StreamedChatRequest of(byte[] buyerBody, ObjectMapper mapper) {
        ObjectNode root;
        try {
            root = (ObjectNode) mapper.readTree(buyerBody); // a JSON object: the quote has parsed it already
        } catch (Exception e) {
            throw new InvalidRequestException(null, "invalid_json", "request body must be a JSON object");
        }
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw new InvalidRequestException("stream_options", "invalid_type", "stream_options must be an object");
        }
        JsonNode includeUsage = options == null ? null : options.get("include_usage");
        if (includeUsage != null && !includeUsage.isNull() && !includeUsage.isBoolean()) {
            throw new InvalidRequestException("stream_options.include_usage", "invalid_type",
                    "stream_options.include_usage must be a boolean");
        }
        if (includeUsage != null && includeUsage.asBoolean()) {
            return new StreamedChatRequest(buyerBody, true);
        }
        ObjectNode askingForUsage = options != null && options.isObject() ? (ObjectNode) options
                : root.putObject("stream_options");
        askingForUsage.put("include_usage", true);
        try {
            return new StreamedChatRequest(mapper.writeValueAsBytes(root), false);
        } catch (Exception e) {
            throw new IllegalStateException("re-serialising a parsed request failed", e);
        }
    }

    /** What goes upstream: these bytes, and the usage chunk withheld from a buyer who did not ask for it. */
    public UpstreamRequest toUpstream() {
        return new UpstreamRequest(upstreamBody, this::withheldFromBuyer);
    }

    /** The usage-only chunk the gateway asked for on the buyer's behalf: recorded, not relayed. */
    public boolean withheldFromBuyer(JsonNode chunk) {
        return !buyerAskedForUsage && isUsageOnly(chunk);
    }

    static boolean isUsageOnly(JsonNode chunk) {
        JsonNode choices = chunk.path("choices");
        return chunk.path("usage").isObject() && (choices.isMissingNode() || choices.isNull()
                || (choices.isArray() && choices.isEmpty()));
    }
}
