package io.mppgateway.grok.responses;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.grok.routes.RequestFields;
import io.mppgateway.paywall.pricing.ChatPricing;
import io.mppgateway.paywall.pricing.ChatQuote;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.pricing.PriceRules;
import io.mppgateway.paywall.pricing.ToolCalls;
import io.mppgateway.paywall.route.AnswerShaper;
import io.mppgateway.paywall.route.PaidCall;
import io.mppgateway.paywall.route.PriceRule;
import io.mppgateway.paywall.route.Quote;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * xAI's Responses API ({@code POST /v1/responses}), priced before payment like a chat (the input bytes as tokens,
 * images at their tokens, the output limit and the reasoning it does not bound) plus the server-side tools it offers
 * the model: xAI's request has no tool-call limit, so the turn limit ({@code max_turns}) is sent upstream and
 * {@code max_turns × calls-per-turn} calls are priced in, each at its price per call with its results read back as
 * input. Tools whose cost nothing bounds (MCP, file and collection search, image generation, ...) are not sold.
 * Live Search ({@code search_parameters}) is retired upstream (410) and refused here.
 */
@ApplicationScoped
public class ResponsesPricing {
    static final String OUTPUT_LIMIT = "max_output_tokens";

    private final ChatPricing chat;
    private final PriceRules prices;
    private final ToolPrices tools;

    public ResponsesPricing(ChatPricing chat, PriceRules prices, ToolPrices tools) {
        this.chat = chat;
        this.prices = prices;
        this.tools = tools;
    }

    /** {@code /v1/responses}: the tools the buyer offers, any of the server-side tools sold here among them. */
    public PriceRule rule() {
        return PriceRule.dynamic(formula("server-side tools (per call: " + new TreeMap<>(tools.perCall())
                + ")"), call -> quote(call, null));
    }

    /** A Locus-style route that is one server-side tool: the tool is added when the buyer did not configure it. */
    public PriceRule withTool(String toolType) {
        if (!tools.perCall().containsKey(toolType)) {
            throw new IllegalStateException("no price per call for the tool " + toolType + " (grok.tools.per-call)");
        }
        return PriceRule.dynamic(formula("the " + toolType + " tool (always offered; " + tools.perCall().get(toolType)
                + " per call)"), call -> quote(call, toolType));
    }

    private String formula(String toolsPriced) {
        return prices.tokenFormula("input bytes (every byte of the body but images, as tokens) + images x the "
                + "model's image tokens at the input price, + (" + OUTPUT_LIMIT + ", else the default, sent upstream"
                + " + the model's reasoning maximum) at the output price, + with " + toolsPriced + " max_turns (else " + tools.maxTurns() + ", sent upstream; at most "
                + tools.maxTurns() + ") x " + tools.callsPerTurn() + " calls, each at its price + "
                + tools.resultTokensPerCall() + " result tokens at the input price");
    }

    private Quote quote(PaidCall call, String forcedTool) {
        ObjectNode root = call.json().deepCopy();
        JsonNode search = root.get("search_parameters");
        if (search != null && !search.isNull()) {
            throw new InvalidRequestException("search_parameters", "unsupported_value", "Live Search "
                    + "(search_parameters) is retired by xAI; use the web_search or x_search tool "
                    + "(/grok/web-search, /grok/x-search)");
        }
        if (RequestFields.optionalBoolean(root, "background")) {
            throw new InvalidRequestException("background", "unsupported_value",
                    "background responses are not sold here: a paid call answers with its response");
        }
        boolean changed = false;
        Set<String> serverTools = serverTools(root, forcedTool);
        if (forcedTool != null && !serverTools.contains(forcedTool)) {
            ArrayNode list = root.get("tools") instanceof ArrayNode given ? given : root.putArray("tools");
            list.addObject().put("type", forcedTool);
            serverTools.add(forcedTool);
            changed = true;
        }
        ToolCalls calls = ToolCalls.NONE;
        if (!serverTools.isEmpty()) {
            long turns = RequestFields.optionalInt(root, "max_turns", 1, tools.maxTurns(), 0);
            if (turns == 0) {
                turns = tools.maxTurns(); // sent upstream: xAI's own default is its global cap
                root.put("max_turns", turns);
                changed = true;
            }
            long perCall = serverTools.stream().mapToLong(type -> tools.perCall().get(type)).max().orElseThrow();
            calls = new ToolCalls(Math.multiplyExact(turns, tools.callsPerTurn()), perCall,
                    tools.resultTokensPerCall());
        }
        ChatQuote quoted = chat.quoteResponses(root, call.route(), calls, OUTPUT_LIMIT);
        Quote quote = prices.tokens(quoted);
        if (changed && quoted.upstreamBody() == null) {
            quote = quote.withUpstreamBody(root.toString().getBytes(StandardCharsets.UTF_8));
        }
        return quote;
    }

    /** The server-side tool types the request offers, each sold here (functions are the buyer's own: free). */
    private Set<String> serverTools(JsonNode root, String forcedTool) {
        Set<String> offered = new LinkedHashSet<>();
        JsonNode list = root.get("tools");
        if (list == null || list.isNull()) {
            return offered;
        }
        if (!list.isArray()) {
            throw new InvalidRequestException("tools", "invalid_type", "tools must be an array");
        }
        for (int i = 0; i < list.size(); i++) {
            String type = list.get(i).path("type").asText("");
            if (type.equals("function")) {
                continue;
            }
            if (!tools.perCall().containsKey(type)) {
                throw new InvalidRequestException("tools[" + i + "].type", "unsupported_value", "tools[" + i
                        + "].type '" + type + "' is not sold here: sold are function and "
                        + tools.perCall().keySet().stream().sorted().toList());
            }
            if (forcedTool != null && !type.equals(forcedTool)) {
                throw new InvalidRequestException("tools[" + i + "].type", "unsupported_value", "this route "
                        + "sells the " + forcedTool + " tool only; use /v1/responses to combine tools");
            }
            offered.add(type);
        }
        return offered;
    }

    /**
     * A Locus-style search answer: xAI's response, plus {@code citations}, the URLs its text cites
     * ({@code url_citation} annotations), in order, once each.
     */
    public static final AnswerShaper WITH_CITATIONS = (body, parsed) -> {
        if (!(parsed instanceof ObjectNode response) || response.has("citations")) {
            return body;
        }
        Set<String> urls = new LinkedHashSet<>();
        for (JsonNode item : response.path("output")) {
            for (JsonNode part : item.path("content")) {
                for (JsonNode annotation : part.path("annotations")) {
                    if (annotation.path("url").isTextual()) {
                        urls.add(annotation.path("url").asText());
                    }
                }
            }
        }
        ArrayNode citations = response.putArray("citations");
        urls.forEach(citations::add);
        return response.toString().getBytes(StandardCharsets.UTF_8);
    };
}
