package io.mppgateway.paywall.pricing;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.route.PaidCall;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The models this provider sells and the arithmetic every quote shares: parse the body, find the model for the
 * requested use, add the margin, round up, find the largest charge a call may have. Everything here runs before any payment.
 */
@ApplicationScoped
public class ModelCatalogue {
    static final long MILLION = 1_000_000L;

    private final PricingConfig pricing;
    private final ObjectMapper mapper;

    public ModelCatalogue(PricingConfig pricing, ObjectMapper mapper) {
        pricing.aliases().forEach((alias, model) -> {
            if (!pricing.models().containsKey(model) || pricing.models().containsKey(alias)) {
                throw new IllegalStateException("pricing.aliases.\"" + alias + "\" must name a priced model and not be"
                        + " one itself (names " + model + ")");
            }
        });
        this.pricing = pricing;
        this.mapper = mapper;
    }

    public PricingConfig config() {
        return pricing;
    }

    /** The models sold for one use, by id, sorted. */
    public Map<String, PricingConfig.ModelPrice> modelsFor(ModelUse use) {
        Map<String, PricingConfig.ModelPrice> models = new TreeMap<>();
        for (String id : pricing.soldIds()) {
            PricingConfig.ModelPrice price = pricing.priceOf(id).orElseThrow();
            if (price.uses().contains(use.configName())) {
                models.put(id, price);
            }
        }
        return models;
    }

    public boolean sells(String modelId) {
        return pricing.priceOf(modelId).isPresent();
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
        PricingConfig.ModelPrice price = pricing.priceOf(model.asText()).orElse(null);
        if (price == null || !price.uses().contains(use.configName())) {
            throw new InvalidRequestException("model", "unknown_model", "Invalid model: " + model.asText()
                    + ". Available for " + use.configName() + ": " + modelsFor(use).keySet());
        }
        return new Priced(model.asText(), price);
    }

    /**
     * What the buyer pays for a worst-case upstream cost: plus the margin, rounded up to base units, at least the
     * minimum. Never clamped from above: a charge above {@link #maxPerCall} is refused by the rule instead.
     */
    public long charge(long upstreamCost, PricingConfig.ModelPrice price, long minimum) {
        long margin = price.marginBps().orElse(pricing.marginBps());
        return Math.max(minimum, Math.ceilDiv(Math.multiplyExact(upstreamCost, 10_000 + margin), 10_000));
    }

    /** The same, with the model's (or the default) minimum per call. */
    public long charge(long upstreamCost, PricingConfig.ModelPrice price) {
        return charge(upstreamCost, price, price.minPerCall().orElse(pricing.minPerCall()));
    }

    /** The largest charge one call may have: the model's, else the route's, else the default. */
    public long maxPerCall(PricingConfig.ModelPrice price, String route) {
        return price.maxPerCall().or(() -> route == null ? Optional.empty()
                : Optional.ofNullable(pricing.routes().get(route)).flatMap(PricingConfig.RouteLimits::maxPerCall))
                .orElse(pricing.maxPerCall());
    }

    /** The upstream cost of {@code tokens} at a price per million, rounded up to base units. */
    public static long tokenCost(long tokens, long perMillion) {
        return Math.ceilDiv(Math.multiplyExact(tokens, perMillion), MILLION);
    }

    /**
     * The largest {@code x} in [1, upTo] whose charge is at most {@code max} (charges grow with x), or 0 when even
     * x = 1 costs more.
     */
    public static long largestWithin(long upTo, long max, LongUnaryOperator chargeOf) {
        long low = 0;
        long high = upTo;
        while (low < high) {
            long mid = low + (high - low + 1) / 2;
            if (chargeOf.applyAsLong(mid) <= max) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** 12000 as "12,000", for refusals. */
    public static String grouped(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** A model the request named, with its price entry. */
    public record Priced(String id, PricingConfig.ModelPrice price) {
    }
}
