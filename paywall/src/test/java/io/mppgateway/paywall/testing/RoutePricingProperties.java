package io.mppgateway.paywall.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.pricing.ModelCatalogue;
import io.mppgateway.paywall.pricing.ModelUse;
import io.mppgateway.paywall.pricing.PriceRules;
import io.mppgateway.paywall.pricing.PricingConfig;
import io.mppgateway.paywall.route.PaidCall;
import io.mppgateway.paywall.route.PaidRoute;
import io.mppgateway.paywall.route.Quote;
import io.mppgateway.paywall.route.RouteTable;
import io.mppgateway.paywall.route.SoldPath;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.arbitraries.StringArbitrary;

/**
 * Pricing integrity, for every route of a provider's route table and every model of its price table: over random
 * valid bodies, each quote is at least the worst-case upstream cost of exactly what the route sends upstream plus the
 * margin, as {@link PricingOracle} computes it from the same price table; and a request is refused (before payment,
 * with a 400 naming the field) only when no quote within the route's largest charge exists. A provider test extends
 * this with its table and routes; a route this class has no body generator for fails the property.
 */
public abstract class RoutePricingProperties {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    protected final PricingConfig table = PriceTables.ofServiceProperties();
    protected final PriceRules rules = PriceTables.rules(table);
    private final ModelCatalogue catalogue = PriceTables.catalogue(table);
    private final PricingOracle oracle = new PricingOracle(table);

    /** The service's route table over {@link #rules}. */
    protected abstract RouteTable routes();

    /** The body fields that cap a chat or FIM route's output, as its price rule was declared with. */
    protected abstract String[] outputFields(String route);

    /** Valid bodies for a route of the provider's own (priced by its own rule), or null when it has none such. */
    protected Arbitrary<ObjectNode> ownBodies(String route) {
        return null;
    }

    /** The oracle's worst case for a route of the provider's own, from what is sent upstream. */
    protected long ownWorstCase(String route, byte[] upstream) throws Exception {
        throw new AssertionError("no oracle for route " + route);
    }

    /** One request to a paid route. */
    public record Call(PaidRoute route, SoldPath sold, String path, Map<String, String> params, byte[] body) {
        @Override
        public String toString() {
            return sold.method() + " " + path + " " + new String(body, StandardCharsets.UTF_8);
        }
    }

    @Property(tries = 400)
    void everyQuoteCoversTheWorstCaseUpstreamCostOfWhatIsSentUpstreamPlusTheMargin(@ForAll("calls") Call call)
            throws Exception {
        PaidCall paid = new PaidCall(call.route().name(), call.sold().method(), call.path(), call.params(), null,
                call.body(), MAPPER);
        Quote quote;
        byte[] upstream;
        try {
            quote = call.route().price().quote(paid);
            upstream = call.route().shaper().shape(paid, quote).body();
        } catch (InvalidRequestException refused) {
            // refused before any payment: a 400 naming the field, saying the largest acceptable value
            assertEquals(400, refused.status(), refused.getMessage());
            assertNotNull(refused.param(), refused.getMessage());
            assertTrue(refused.getMessage().contains("≤"), refused.getMessage());
            Statistics.collect(call.route().name(), "refused");
            return;
        }
        long worst = switch (call.route().name()) {
            case "chat", "fim" -> oracle.chat(upstream, outputFields(call.route().name()));
            case "embeddings", "moderation", "chat-moderation" -> oracle.byInput(upstream);
            case "ocr" -> oracle.ocr(upstream);
            case "models", "model-card" -> 0; // the upstream charges nothing for them
            default -> ownWorstCase(call.route().name(), upstream);
        };
        long required = oracle.withMargin(worst, quote.model());
        assertTrue(quote.amount() >= required, "charged " + quote.amount() + " < worst case " + worst
                + " + margin = " + required);
        assertTrue(quote.quotedUpstreamCost() >= worst || worst == 0, "the quote says its worst case is "
                + quote.quotedUpstreamCost() + ", the oracle's is " + worst);
        PricingConfig.ModelPrice price = table.priceOf(quote.model()).orElse(null);
        if (price != null) {
            assertTrue(quote.amount() <= catalogue.maxPerCall(price, call.route().name()),
                    "a quote above the route's largest charge must be refused");
        }
        Statistics.collect(call.route().name(), "quoted");
    }

    @Provide
    Arbitrary<Call> calls() {
        List<Arbitrary<Call>> perRoute = new ArrayList<>();
        for (PaidRoute route : routes().routes()) {
            for (SoldPath sold : route.paths()) {
                perRoute.add(callsTo(route, sold));
            }
        }
        return Arbitraries.oneOf(perRoute);
    }

    private Arbitrary<Call> callsTo(PaidRoute route, SoldPath sold) {
        Arbitrary<ObjectNode> bodies = switch (route.name()) {
            case "chat" -> chatBodies(outputFields("chat"));
            case "fim" -> fimBodies(outputFields("fim"));
            case "embeddings", "moderation" -> inputBodies(route.name().equals("embeddings") ? ModelUse.EMBED
                    : ModelUse.MODERATE, false);
            case "chat-moderation" -> inputBodies(ModelUse.MODERATE, true);
            case "ocr" -> ocrBodies();
            case "models" -> Arbitraries.just(JSON.objectNode());
            case "model-card" -> Arbitraries.of(List.copyOf(table.soldIds()))
                    .map(id -> JSON.objectNode().put("model_id", id));
            default -> {
                Arbitrary<ObjectNode> own = ownBodies(route.name());
                if (own == null) {
                    throw new AssertionError("no body generator for route " + route.name()
                            + ": every paid route must be covered by the pricing property");
                }
                yield own;
            }
        };
        return bodies.map(body -> {
            if (sold.path().contains("{model_id}")) {
                String id = body.path("model_id").asText();
                return new Call(route, sold, sold.path().replace("{model_id}", id), Map.of("model_id", id),
                        new byte[0]);
            }
            byte[] bytes = "GET".equals(sold.method()) ? new byte[0]
                    : body.toString().getBytes(StandardCharsets.UTF_8);
            return new Call(route, sold, sold.path(), Map.of(), bytes);
        });
    }

    private Arbitrary<String> models(ModelUse use) {
        return Arbitraries.of(catalogue.modelsFor(use).keySet().stream().toList());
    }

    /** Text of any script: ASCII, Latin-1, CJK (3 bytes a character in UTF-8), up to {@code max} characters. */
    private static StringArbitrary text(int max) {
        return Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00c0', '\u00ff')
                .withCharRange('\u4e00', '\u4e80').ofMaxLength(max);
    }

    private static Arbitrary<Long> sizes(long max) {
        // mostly small, sometimes up to the model's limit
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(1, Math.min(max, 512))),
                net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(1, max)));
    }

    private Arbitrary<ObjectNode> chatBodies(String[] outputFields) {
        Arbitrary<ObjectNode> chunk = Arbitraries.oneOf(
                text(200).map(t -> JSON.objectNode().put("type", "text").put("text", t)),
                text(3000).map(data -> {
                    ObjectNode image = JSON.objectNode().put("type", "image_url");
                    image.putObject("image_url").put("url", "data:image/png;base64," + data);
                    return image;
                }),
                Arbitraries.just(JSON.objectNode().put("type", "image_url").put("image_url",
                        "https://example.com/cat.png")));
        Arbitrary<ObjectNode> message = Combinators.combine(Arbitraries.of("system", "user", "assistant", "tool"),
                Arbitraries.oneOf(text(400).map(t -> (com.fasterxml.jackson.databind.JsonNode) JSON.textNode(t)),
                        chunk.list().ofMinSize(1).ofMaxSize(4).map(list -> {
                            ArrayNode parts = JSON.arrayNode();
                            list.forEach(parts::add);
                            return parts;
                        })))
                .as((role, content) -> {
                    ObjectNode m = JSON.objectNode().put("role", role);
                    m.set("content", content);
                    return m;
                });
        Arbitrary<ObjectNode> tool = text(4000).map(description -> {
            ObjectNode t = JSON.objectNode().put("type", "function");
            ObjectNode f = t.putObject("function").put("name", "f").put("description", description);
            f.putObject("parameters").put("type", "object");
            return t;
        });
        return models(ModelUse.CHAT).flatMap(model -> {
            PricingConfig.ModelPrice price = table.priceOf(model).orElseThrow();
            return Combinators.combine(message.list().ofMinSize(1).ofMaxSize(5), tool.list().ofMaxSize(3),
                    Arbitraries.integers().between(1, 8).injectNull(0.6),
                    Arbitraries.of(outputFields).injectNull(0.3), sizes(price.maxOutputTokens()),
                    Arbitraries.of(true, false).injectNull(0.5), text(2000).injectNull(0.8))
                    .as((messages, tools, n, field, limit, stream, schema) -> {
                        ObjectNode body = JSON.objectNode().put("model", model);
                        ArrayNode list = body.putArray("messages");
                        messages.forEach(list::add);
                        if (!tools.isEmpty()) {
                            ArrayNode t = body.putArray("tools");
                            tools.forEach(t::add);
                        }
                        if (n != null) {
                            body.put("n", n);
                        }
                        if (field != null) {
                            body.put(field, limit);
                        }
                        if (stream != null) {
                            body.put("stream", stream);
                        }
                        if (schema != null) {
                            body.putObject("response_format").put("type", "json_schema").putObject("json_schema")
                                    .put("name", "answer").put("description", schema);
                        }
                        return body;
                    });
        });
    }

    private Arbitrary<ObjectNode> fimBodies(String[] outputFields) {
        return models(ModelUse.FIM).flatMap(model -> Combinators.combine(text(4000), text(2000).injectNull(0.5),
                Arbitraries.of(outputFields).injectNull(0.3),
                sizes(table.priceOf(model).orElseThrow().maxOutputTokens()), Arbitraries.of(true, false).injectNull(0.5))
                .as((prompt, suffix, field, limit, stream) -> {
                    ObjectNode body = JSON.objectNode().put("model", model).put("prompt", prompt);
                    if (suffix != null) {
                        body.put("suffix", suffix);
                    }
                    if (field != null) {
                        body.put(field, limit);
                    }
                    if (stream != null) {
                        body.put("stream", stream);
                    }
                    return body;
                }));
    }

    private Arbitrary<ObjectNode> inputBodies(ModelUse use, boolean conversations) {
        Arbitrary<com.fasterxml.jackson.databind.JsonNode> one = conversations
                ? text(2000).map(t -> JSON.arrayNode().add(JSON.objectNode().put("role", "user").put("content", t)))
                : text(2000).map(JSON::textNode);
        // sometimes a big batch: up to ~600 KB of input
        Arbitrary<Integer> copies = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.integers()
                .between(1, 4)), net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(50, 300)));
        return models(use).flatMap(model -> Combinators.combine(one.list().ofMinSize(1).ofMaxSize(4), copies)
                .as((inputs, times) -> {
                    ObjectNode body = JSON.objectNode().put("model", model);
                    ArrayNode input = body.putArray("input");
                    for (int i = 0; i < times; i++) {
                        inputs.forEach(input::add);
                    }
                    return body;
                }));
    }

    private Arbitrary<ObjectNode> ocrBodies() {
        Arbitrary<com.fasterxml.jackson.databind.JsonNode> pages = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 2000).list().ofMinSize(1).ofMaxSize(600).map(list -> {
                    ArrayNode a = JSON.arrayNode();
                    list.forEach(a::add);
                    return a;
                }),
                Arbitraries.integers().between(0, 1500).map(last -> JSON.textNode("0-" + last)));
        return models(ModelUse.OCR).flatMap(model -> Combinators.combine(pages.injectNull(0.4),
                Arbitraries.of(true, false)).as((listed, annotated) -> {
                    ObjectNode body = JSON.objectNode().put("model", model);
                    body.putObject("document").put("type", "document_url")
                            .put("document_url", "https://example.com/report.pdf");
                    if (listed != null) {
                        body.set("pages", listed);
                    }
                    if (annotated) {
                        body.putObject("bbox_annotation_format").put("type", "json_schema");
                    }
                    return body;
                }));
    }
}
