package io.mppgateway.grok.routes;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.grok.image.ImagePrices;
import io.mppgateway.grok.image.ImagePricing;
import io.mppgateway.grok.responses.ResponsesPricing;
import io.mppgateway.grok.responses.ToolPrices;
import io.mppgateway.paywall.pricing.ChatPricing;
import io.mppgateway.grok.speech.SpeechPrices;
import io.mppgateway.grok.speech.SpeechPricing;
import io.mppgateway.paywall.route.RouteTable;
import io.mppgateway.paywall.testing.PriceTables;
import io.mppgateway.paywall.testing.PricingOracle;
import io.mppgateway.paywall.testing.RoutePricingProperties;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Every grok-service route and model, over random valid bodies: the quote covers the worst case (issue 12). */
class GrokPricingPropertyTest extends RoutePricingProperties {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ImagePrices images = PriceTables.mapping(ImagePrices.class, "grok.images");
    private final SpeechPrices speech = PriceTables.mapping(SpeechPrices.class, "grok.speech");
    private final ToolPrices tools = PriceTables.mapping(ToolPrices.class, "grok.tools");
    private final PricingOracle oracle = new PricingOracle(table);
    private static final List<String> RESPONSES = List.of("responses", "web-search", "x-search", "code-execution");

    @Override
    protected RouteTable routes() {
        return new GrokRoutes().routes(rules, new ImagePricing(images, table), new SpeechPricing(speech, table),
                new ResponsesPricing(new ChatPricing(PriceTables.catalogue(table)), rules, tools));
    }

    @Override
    protected String[] outputFields(String route) {
        return RESPONSES.contains(route) ? new String[] {"max_output_tokens"}
                : new String[] {"max_completion_tokens", "max_tokens"};
    }

    /** A Responses API body: text or input items, an output limit, a stream, tools, a turn limit, sometimes. */
    private Arbitrary<ObjectNode> responsesBodies(boolean anyTools) {
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u4e00', '\u4e80')
                .ofMinLength(1).ofMaxLength(3000).map(t -> "Q: " + t);
        Arbitrary<List<String>> toolTypes = anyTools
                ? Arbitraries.of("web_search", "x_search", "code_interpreter", "function").list().ofMaxSize(3)
                : Arbitraries.just(List.of());
        return Combinators.combine(Arbitraries.of(List.copyOf(table.soldIds())), text,
                Arbitraries.of(true, false), Arbitraries.longs().between(1, 4096).injectNull(0.4),
                Arbitraries.of(true, false).injectNull(0.5), toolTypes,
                Arbitraries.integers().between(1, tools.maxTurns()).injectNull(0.5))
                .as((model, input, items, limit, stream, types, turns) -> {
                    ObjectNode body = JSON.objectNode().put("model", model);
                    if (items) {
                        body.putArray("input").addObject().put("role", "user").putArray("content").addObject()
                                .put("type", "input_text").put("text", input);
                    } else {
                        body.put("input", input);
                    }
                    if (limit != null) {
                        body.put("max_output_tokens", limit);
                    }
                    if (stream != null) {
                        body.put("stream", stream);
                    }
                    if (!types.isEmpty()) {
                        var list = body.putArray("tools");
                        types.forEach(type -> {
                            ObjectNode tool = list.addObject().put("type", type);
                            if (type.equals("function")) {
                                tool.put("name", "f").putObject("parameters").put("type", "object");
                            }
                        });
                    }
                    if (turns != null) {
                        body.put("max_turns", turns);
                    }
                    return body;
                });
    }

    /**
     * A Responses call: the chat worst case of its body, plus, with server-side tools, max_turns (which must have
     * gone upstream, or nothing bounds the calls) x calls per turn, each at the dearest tool's price, and its
     * results read back at the input price (rounded down: the rule rounds the whole input once).
     */
    private long responsesWorstCase(byte[] upstream) throws Exception {
        JsonNode body = MAPPER.readTree(upstream);
        long worst = oracle.chat(upstream, new String[] {"max_output_tokens"});
        long perCall = 0;
        for (JsonNode tool : body.path("tools")) {
            perCall = Math.max(perCall, tools.perCall().getOrDefault(tool.path("type").asText(), 0L));
        }
        if (perCall == 0) {
            return worst;
        }
        if (!body.path("max_turns").canConvertToLong()) {
            throw new AssertionError("server-side tools went upstream without max_turns: " + body);
        }
        long calls = body.path("max_turns").asLong() * tools.callsPerTurn();
        long input = table.priceOf(body.path("model").asText()).orElseThrow().inputPerMillion();
        return worst + calls * perCall + calls * tools.resultTokensPerCall() * input / 1_000_000;
    }

    @Override
    protected Arbitrary<ObjectNode> ownBodies(String route) {
        return switch (route) {
            case "image-edit" -> ownBodies("image-generate").map(body -> {
                body.putObject("image").put("url", "https://example.com/in.png");
                return body;
            });
            case "image-generate" -> Arbitraries.of(List.copyOf(images.models().keySet())).flatMap(model ->
                    Combinators.combine(Arbitraries.integers().between(1, images.maxImages()).injectNull(0.3),
                            Arbitraries.of(List.copyOf(images.models().get(model).perImage().keySet())).injectNull(0.3))
                            .as((n, resolution) -> {
                                ObjectNode body = JSON.objectNode().put("prompt", "a cat").put("model", model);
                                if (n != null) {
                                    body.put("n", n);
                                }
                                if (resolution != null) {
                                    body.put("resolution", resolution);
                                }
                                return body;
                            }));
            case "responses" -> responsesBodies(true);
            case "web-search", "x-search", "code-execution" -> responsesBodies(false);
            case "tts" -> Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u4e00', '\u4e80')
                    .ofMinLength(1).ofMaxLength(3000)
                    .map(text -> JSON.objectNode().put("text", "Say: " + text).put("language", "en"));
            default -> null;
        };
    }

    @Override
    protected long ownWorstCase(String route, byte[] upstream) throws Exception {
        if (RESPONSES.contains(route)) {
            return responsesWorstCase(upstream);
        }
        JsonNode body = MAPPER.readTree(upstream);
        return switch (route) {
            // xAI bills every image at its resolution's price, and every input image of an edit
            case "image-generate", "image-edit" -> {
                ImagePrices.Model model = images.models().get(body.path("model").asText(images.defaultModel()));
                long inputs = body.has("image") ? 1 : body.path("images").size();
                yield body.path("n").asLong(1)
                        * model.perImage().get(body.path("resolution").asText(model.defaultResolution()))
                        + inputs * images.perInputImage();
            }
            // per 1,000 characters of text
            case "tts" -> {
                String text = body.path("text").asText();
                yield Math.ceilDiv(text.codePointCount(0, text.length()) * speech.perThousandCharacters(), 1000);
            }
            default -> throw new AssertionError("no oracle for route " + route);
        };
    }
}
