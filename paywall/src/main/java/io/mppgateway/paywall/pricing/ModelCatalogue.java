package io.mppgateway.paywall.pricing;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.route.PaidCall;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The models this provider sells and the arithmetic every quote shares: parse the body, find the model for the
 * requested use, add the margin, round up, clamp. Everything here runs before any payment.
 */
@ApplicationScoped
public class ModelCatalogue {
    static final long MILLION = 1_000_000L;

    private final PricingConfig pricing;
    private final ObjectMapper mapper;

    public ModelCatalogue(PricingConfig pricing, ObjectMapper mapper) {
        this.pricing = pricing;
        this.mapper = mapper;
    }

    public PricingConfig config() {
        return pricing;
    }

    /** The models sold for one use, by id, sorted. */
    public Map<String, PricingConfig.ModelPrice> modelsFor(ModelUse use) {
        Map<String, PricingConfig.ModelPrice> models = new TreeMap<>();
        pricing.models().forEach((id, price) -> {
            if (price.uses().contains(use.configName())) {
                models.put(id, price);
            }
        });
        return models;
    }

    public boolean sells(String modelId) {
        return pricing.models().containsKey(modelId);
    }

    /** The JSON object of a request body, or a pre-payment rejection. */
    public JsonNode parse(byte[] body) {
        return PaidCall.jsonObject(body, mapper);
    }

    /** The body's {@code model}, which must be sold for this use. */
    public Priced model(JsonNode root, ModelUse use) {
        JsonNode model = root.get("model");
        if (model == null || model.isNull()) {
            throw new InvalidRequestException("model", "missing_required_parameter", "model is required");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw new InvalidRequestException("model", "invalid_type", "model must be a non-empty string");
        }
        PricingConfig.ModelPrice price = pricing.models().get(model.asText());
        if (price == null || !price.uses().contains(use.configName())) {
            throw new InvalidRequestException("model", "unknown_model", "Invalid model: " + model.asText()
                    + ". Available for " + use.configName() + ": " + modelsFor(use).keySet());
        }
        return new Priced(model.asText(), price);
    }

    /** Upstream cost plus margin, rounded up to base units, clamped to the model's (or the default) range. */
    public long withMarginClamped(long upstreamCost, PricingConfig.ModelPrice price) {
        long margin = price.marginBps().orElse(pricing.marginBps());
        long withMargin = Math.ceilDiv(upstreamCost * (10_000 + margin), 10_000);
        long min = price.minPerCall().orElse(pricing.minPerCall());
        long max = price.maxPerCall().orElse(pricing.maxPerCall());
        return Math.max(min, Math.min(max, withMargin));
    }

    /** A model the request named, with its price entry. */
    public record Priced(String id, PricingConfig.ModelPrice price) {
    }
}
