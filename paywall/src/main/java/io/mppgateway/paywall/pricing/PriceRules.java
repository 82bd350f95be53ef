package io.mppgateway.paywall.pricing;

import io.mppgateway.paywall.route.PriceRule;
import io.mppgateway.paywall.route.Quote;
import io.mppgateway.paywall.usage.Usage;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The price rules paid routes are declared with (ARCHITECTURE §5), over the provider's price table
 * ({@code pricing.*}). Each validates the request before payment and quotes it; each quote carries the worst-case
 * upstream cost it was computed from and, once the usage is known, the actual upstream cost.
 */
@ApplicationScoped
public class PriceRules {
    /** usage.recorded needs a model; a listing is about none in particular. */
    public static final String NO_MODEL = "none";

    private final ModelCatalogue catalogue;
    private final ChatPricing chat;
    private final CallPricing calls;

    public PriceRules(ModelCatalogue catalogue, ChatPricing chat, CallPricing calls) {
        this.catalogue = catalogue;
        this.chat = chat;
        this.calls = calls;
    }

    /**
     * A chat completion: input estimate × input price + output limit × output price, plus margin.
     *
     * @param maxTokenFields the body fields that cap output, in order of precedence
     */
    public PriceRule chat(String... maxTokenFields) {
        return call -> tokens(chat.quote(call.json(), maxTokenFields));
    }

    /** A fill-in-the-middle completion: the prompt and suffix are the input. */
    public PriceRule fim(String... maxTokenFields) {
        return call -> tokens(chat.quoteFim(call.json(), maxTokenFields));
    }

    /** A call that names a model sold for {@code use} and must carry {@code requiredField}, at a fixed price. */
    public PriceRule fixedPerModel(ModelUse use, String requiredField) {
        PriceRule rule = call -> {
            CallPricing.CallQuote quote = calls.fixed(call.json(), use, requiredField);
            return Quote.of(quote.model(), quote.amount());
        };
        // discovery can publish one amount only when no model of this use has a price of its own
        boolean uniform = catalogue.modelsFor(use).values().stream().allMatch(p -> p.perCall().isEmpty());
        return uniform ? PriceRule.fixed(catalogue.config().fixedPerCall(), rule::quote) : rule;
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
     * A document read page by page: the pages listed in {@code pages}, or {@code pricing.default-pages-quoted}, at
     * the model's page price plus margin.
     */
    public PriceRule perPage(ModelUse use) {
        return call -> {
            CallPricing.CallQuote quote = calls.perPage(call.json(), use);
            long perPage = catalogue.modelsFor(use).get(quote.model()).perPage().orElse(0L);
            return Quote.of(quote.model(), quote.amount())
                    .withQuotedUpstreamCost(quote.units() * perPage)
                    .withDetail(quote.model() + ", up to " + quote.units() + " pages quoted")
                    .withUpstreamCost(usage -> usage.pages() * perPage);
        };
    }

    private Quote tokens(ChatQuote quote) {
        PricingConfig.ModelPrice price = catalogue.config().models().get(quote.model());
        return Quote.of(quote.model(), quote.amount())
                .withQuotedUpstreamCost(quote.upstreamCostCeiling())
                .streamed(quote.stream())
                .withDetail(quote.model() + (quote.stream() ? ", streamed" : ""))
                .withUpstreamCost(usage -> tokenCost(usage, price));
    }

    /** Prompt tokens at the input price, everything else the model produced (reasoning included) at the output price. */
    static long tokenCost(Usage usage, PricingConfig.ModelPrice price) {
        long output = Math.max(0, usage.totalTokens() - usage.promptTokens());
        return Math.ceilDiv(usage.promptTokens() * price.inputPerMillion(), ModelCatalogue.MILLION)
                + Math.ceilDiv(output * price.outputPerMillion(), ModelCatalogue.MILLION);
    }
}
