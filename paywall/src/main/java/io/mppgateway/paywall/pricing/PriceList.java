package io.mppgateway.paywall.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.paywall.route.AnswerShaper;

/**
 * What a model costs on this gateway, written into the upstream's model list (or model card): each model the price
 * table sells gets a {@code gateway_pricing} object, the upstream prices plus the margin, per million tokens (per page
 * for OCR), in base units of pathUSD; the buyer-facing listing thereby reads from the same table the quotes do.
 */
public final class PriceList {
    /** xAI's own price fields are in USD cents per 100 million tokens: 100 base units per million make one. */
    static final long BASE_UNITS_PER_MILLION_PER_XAI_UNIT = 100;

    private final ModelCatalogue catalogue;
    private final ObjectMapper mapper;

    PriceList(ModelCatalogue catalogue, ObjectMapper mapper) {
        this.catalogue = catalogue;
        this.mapper = mapper;
    }

    /**
     * @param xaiFields also set xAI's own price fields ({@code prompt_text_token_price},
     *                  {@code cached_prompt_text_token_price}, {@code completion_text_token_price}) to this gateway's
     *                  prices, so that clients reading them see what a model costs here
     */
    AnswerShaper models(boolean xaiFields) {
        return (body, parsed) -> {
            JsonNode data = parsed.get("data");
            if (data != null && data.isArray()) {
                data.forEach(model -> price(model, xaiFields));
            } else {
                price(parsed, xaiFields);
            }
            return mapper.writeValueAsBytes(parsed);
        };
    }

    private void price(JsonNode model, boolean xaiFields) {
        if (!(model instanceof ObjectNode card)) {
            return;
        }
        PricingConfig.ModelPrice price = catalogue.config().priceOf(card.path("id").asText()).orElse(null);
        if (price == null) {
            return;
        }
        PricingConfig config = catalogue.config();
        ObjectNode pricing = card.putObject("gateway_pricing");
        pricing.put("currency", "pathUSD");
        pricing.put("unit", "base units (1000000 = 1 USD) per million tokens, upstream price + "
                + PriceRules.percent(price.marginBps().orElse(config.marginBps())) + " margin");
        if (price.perPage().isPresent()) {
            pricing.put("per_page", gateway(price.perPage().get(), price));
            price.perPageAnnotated().ifPresent(p -> pricing.put("per_annotated_page", gateway(p, price)));
        } else {
            long input = gateway(price.inputPerMillion(), price);
            long output = gateway(price.outputPerMillion(), price);
            pricing.put("input_per_million", input);
            pricing.put("output_per_million", output);
            price.cachedInputPerMillion().ifPresent(c -> pricing.put("cached_input_per_million", gateway(c, price)));
            if (price.reasoningTokens() > 0) {
                pricing.put("reasoning_tokens_priced_per_choice", price.reasoningTokens());
            }
            if (price.uses().contains(ModelUse.CHAT.configName()) || price.uses().contains(ModelUse.FIM.configName())) {
                pricing.put("max_output_tokens", price.maxOutputTokens());
                pricing.put("default_output_tokens", Math.min(config.defaultOutputTokens(), price.maxOutputTokens()));
            }
            if (xaiFields) {
                card.put("prompt_text_token_price", Math.ceilDiv(input, BASE_UNITS_PER_MILLION_PER_XAI_UNIT));
                card.put("completion_text_token_price", Math.ceilDiv(output, BASE_UNITS_PER_MILLION_PER_XAI_UNIT));
                price.cachedInputPerMillion().ifPresent(c -> card.put("cached_prompt_text_token_price",
                        Math.ceilDiv(gateway(c, price), BASE_UNITS_PER_MILLION_PER_XAI_UNIT)));
            }
        }
        pricing.put("min_per_call", price.minPerCall().orElse(price.perPage().isPresent() || price.uses()
                .contains(ModelUse.CHAT.configName()) || price.uses().contains(ModelUse.FIM.configName())
                        ? config.minPerCall() : price.perCall().orElse(config.fixedPerCall())));
        config.asOf().ifPresent(date -> pricing.put("prices_as_of", date));
    }

    /** An upstream price plus the model's margin, rounded up. */
    private long gateway(long upstream, PricingConfig.ModelPrice price) {
        return catalogue.charge(upstream, price, 0);
    }
}
