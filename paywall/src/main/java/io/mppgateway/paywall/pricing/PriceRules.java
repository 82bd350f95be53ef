package io.mppgateway.paywall.pricing;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.route.AnswerShaper;
import io.mppgateway.paywall.route.PriceRule;
import io.mppgateway.paywall.route.Quote;
import io.mppgateway.paywall.usage.Usage;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The price rules paid routes are declared with (ARCHITECTURE §5), over the provider's price table
 * ({@code pricing.*}). Each validates the request before payment and quotes the worst-case upstream cost of exactly
 * what will be sent upstream plus the margin, refusing a quote above the route's largest charge; each quote carries
 * that worst case and, once the usage is known, the actual upstream cost.
 */
@ApplicationScoped
public class PriceRules {
    /** usage.recorded needs a model; a listing is about none in particular. */
    public static final String NO_MODEL = "none";

    private final ModelCatalogue catalogue;
    private final ChatPricing chat;
    private final CallPricing calls;
    private final PriceList list;

    public PriceRules(ModelCatalogue catalogue, ChatPricing chat, CallPricing calls) {
        this.catalogue = catalogue;
        this.chat = chat;
        this.calls = calls;
        this.list = new PriceList(catalogue, new ObjectMapper());
    }

    /**
     * For a model list or model card route: each model sold here gets its {@code gateway_pricing} (what it costs per
     * million tokens on this gateway); with {@code xaiFields}, xAI's own price fields say the same.
     */
    public AnswerShaper modelsWithGatewayPrices(boolean xaiFields) {
        return list.models(xaiFields);
    }

    /**
     * A chat completion: (input bytes as tokens + images × image tokens) at the input prices + n × (output limit +
     * reasoning not bounded by it) at the output price, plus margin. Without an output limit, the default one is
     * quoted and sent upstream in the first field.
     *
     * @param maxTokenFields the body fields that cap output, the one the gateway sends first
     */
    public PriceRule chat(String... maxTokenFields) {
        return PriceRule.dynamic(tokenFormula("input bytes (every byte of the body but images, as tokens) + images x "
                + "the model's image tokens at the input price, + n x (" + String.join(" or ", maxTokenFields)
                + ", else " + catalogue.config().defaultOutputTokens() + ", sent upstream"
                + " + the model's reasoning maximum where the output limit does not bound reasoning) at the output "
                + "price"), call -> tokens(chat.quote(call.json(), call.route(), maxTokenFields)));
    }

    /** A fill-in-the-middle completion: the whole body is the input. */
    public PriceRule fim(String... maxTokenFields) {
        return PriceRule.dynamic(tokenFormula("input bytes (every byte of the body, as tokens) at the input price + "
                + String.join(" or ", maxTokenFields) + " (else " + catalogue.config().defaultOutputTokens()
                + ", sent upstream) at the output price"),
                call -> tokens(chat.quoteFim(call.json(), call.route(), maxTokenFields)));
    }

    /**
     * A call whose input is all it costs (embeddings, moderation) on a model sold for {@code use}, which must carry
     * {@code requiredField}: every body byte a token at the model's input price, plus margin, at least the model's
     * per-call price. The actual cost is the usage's prompt tokens; an answer without usage (moderation) records the
     * quoted worst case.
     */
    public PriceRule byInputSize(ModelUse use, String requiredField) {
        long minimum = catalogue.config().fixedPerCall();
        return PriceRule.dynamic("max(" + minimum + " or the model's per-call price, input bytes (every byte of the "
                + "body, as tokens) x the model's input price + " + percent(catalogue.config().marginBps())
                + " margin), up to the route's largest charge per call", call -> {
                    CallPricing.CallQuote quote = calls.byInputSize(call.json(), call.route(), use, requiredField);
                    PricingConfig.ModelPrice price = catalogue.config().priceOf(quote.model()).orElseThrow();
                    long quoted = quote.upstreamCostCeiling();
                    return Quote.of(quote.model(), quote.amount()).withQuotedUpstreamCost(quoted)
                            .withUpstreamCost(usage -> usage.promptTokens() > 0
                                    ? ModelCatalogue.tokenCost(usage.promptTokens(), price.inputPerMillion())
                                    : quoted);
                });
    }

    /** A call about no model in particular (a model listing), at the fixed price. */
    public PriceRule fixedWithoutModel() {
        long amount = catalogue.config().fixedPerCall();
        return PriceRule.fixed(amount, call -> Quote.of(NO_MODEL, amount).withDetail(null));
    }

    /**
     * One model's card at the fixed price: the model named by the path parameter must be sold here (404
     * {@code model_not_found} otherwise, before payment).
     */
    public PriceRule modelCard(String pathParam) {
        long amount = catalogue.config().fixedPerCall();
        return PriceRule.fixed(amount, call -> {
            String id = call.pathParam(pathParam);
            if (id == null || !catalogue.sells(id)) {
                throw new InvalidRequestException(404, pathParam, "model_not_found",
                        "Model " + id + " is not sold here. See GET /v1/models or /llms.txt.");
            }
            return Quote.of(id, amount);
        });
    }

    /**
     * A document read page by page: the pages listed in {@code pages}, or the first
     * {@code pricing.default-pages-quoted} pages (sent upstream as {@code pages}), at the model's page price plus
     * margin.
     */
    public PriceRule perPage(ModelUse use) {
        return PriceRule.dynamic("pages listed in `pages` (else the first " + catalogue.config().defaultPagesQuoted()
                + ", sent upstream) x the model's page price (annotated page price with bbox or document annotations) + "
                + percent(catalogue.config().marginBps()) + " margin, up to the route's largest charge per call",
                call -> {
                    CallPricing.CallQuote quote = calls.perPage(call.json(), call.route(), use);
                    long perPage = calls.pagePrice(call.json(), catalogue.model(call.json(), use));
                    return Quote.of(quote.model(), quote.amount())
                            .withQuotedUpstreamCost(quote.upstreamCostCeiling())
                            .withUpstreamBody(quote.upstreamBody())
                            .withDetail(quote.model() + ", up to " + quote.units() + " pages quoted")
                            .withUpstreamCost(usage -> Math.multiplyExact(usage.pages(), perPage));
                });
    }

    /**
     * The quote of a call priced by {@link ChatPricing} (chat, fill-in-the-middle, Responses): its amount and worst
     * case, the body it covers, and once the usage is known its actual upstream cost ({@link #tokenCost}, plus each
     * server-side tool call at its price when the upstream sent no cost figure of its own).
     */
    public Quote tokens(ChatQuote quote) {
        PricingConfig.ModelPrice price = catalogue.config().priceOf(quote.model()).orElseThrow();
        List<String> detail = new ArrayList<>();
        detail.add(quote.model());
        detail.add("up to " + quote.outputTokens() + " output tokens");
        if (quote.choices() > 1) {
            detail.add("n=" + quote.choices());
        }
        long perToolCall = quote.tools().costPerCall();
        if (quote.tools().calls() > 0) {
            detail.add("up to " + quote.tools().calls() + " tool calls");
        }
        if (quote.stream()) {
            detail.add("streamed");
        }
        return Quote.of(quote.model(), quote.amount())
                .withQuotedUpstreamCost(quote.upstreamCostCeiling())
                .streamed(quote.stream())
                .withUpstreamBody(quote.upstreamBody())
                .withDetail(String.join(", ", detail))
                .withUpstreamCost(usage -> usage.upstreamCostFromTicks().isPresent() ? tokenCost(usage, price)
                        : Math.addExact(tokenCost(usage, price), Math.multiplyExact(usage.toolCalls(), perToolCall)));
    }

    /**
     * What a call cost upstream from its usage: xAI's own {@code cost_in_usd_ticks} when it sent one (rounded up to
     * base units); else uncached prompt tokens at the input price, cached ones at the cached price, and everything
     * else the model produced (reasoning included: {@code total - prompt}) at the output price.
     */
    public static long tokenCost(Usage usage, PricingConfig.ModelPrice price) {
        if (usage.upstreamCostFromTicks().isPresent()) {
            return usage.upstreamCostFromTicks().getAsLong();
        }
        long cached = Math.min(Math.max(0, usage.cachedTokens()), usage.promptTokens());
        long output = Math.max(0, usage.totalTokens() - usage.promptTokens());
        boolean longContext = price.longContextThreshold()
                .map(threshold -> usage.promptTokens() + output > threshold).orElse(false);
        long input = longContext ? price.longContextInputPerMillion().orElse(price.inputPerMillion())
                : price.inputPerMillion();
        long out = longContext ? price.longContextOutputPerMillion().orElse(price.outputPerMillion())
                : price.outputPerMillion();
        long micro = Math.addExact(Math.addExact(Math.multiplyExact(usage.promptTokens() - cached, input),
                Math.multiplyExact(cached, price.cachedInputPerMillion().orElse(input))),
                Math.multiplyExact(output, out));
        return Math.ceilDiv(micro, ModelCatalogue.MILLION); // summed exactly, rounded up once
    }

    /** A token-priced rule's formula for discovery: {@code cost}, plus the margin, the minimum and the largest charge. */
    public String tokenFormula(String cost) {
        PricingConfig config = catalogue.config();
        return "(" + cost + ") + " + percent(config.marginBps()) + " margin, at least " + config.minPerCall()
                + "; a quote above the route's largest charge per call (default " + config.maxPerCall()
                + ") is refused with the largest acceptable output limit";
    }

    /** 2000 basis points as "20.00%". */
    static String percent(long bps) {
        return bps / 100 + "." + String.format("%02d", bps % 100) + "%";
    }
}
