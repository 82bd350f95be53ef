package io.mppgateway.grok.routes;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.grok.image.ImagePrices;
import io.mppgateway.grok.image.ImagePricing;
import io.mppgateway.grok.speech.SpeechPrices;
import io.mppgateway.grok.speech.SpeechPricing;
import io.mppgateway.paywall.route.RouteTable;
import io.mppgateway.paywall.testing.PriceTables;
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

    @Override
    protected RouteTable routes() {
        return new GrokRoutes().routes(rules, new ImagePricing(images, table), new SpeechPricing(speech, table));
    }

    @Override
    protected String[] outputFields(String route) {
        return new String[] {"max_completion_tokens", "max_tokens"};
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
            case "tts" -> Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u4e00', '\u4e80')
                    .ofMinLength(1).ofMaxLength(3000)
                    .map(text -> JSON.objectNode().put("text", "Say: " + text).put("language", "en"));
            default -> null;
        };
    }

    @Override
    protected long ownWorstCase(String route, byte[] upstream) throws Exception {
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
