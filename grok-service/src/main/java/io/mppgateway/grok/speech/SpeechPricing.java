package io.mppgateway.grok.speech;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.grok.routes.MediaCharge;
import io.mppgateway.grok.routes.RequestFields;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.pricing.PricingConfig;
import io.mppgateway.paywall.route.PaidCall;
import io.mppgateway.paywall.route.PriceRule;
import io.mppgateway.paywall.route.Quote;
import io.mppgateway.paywall.route.UsageReader;
import io.mppgateway.paywall.usage.Usage;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Text to speech (xAI {@code /v1/tts}): priced before payment by the characters of {@code text} (Unicode code
 * points, at most 60,000) at the per-1,000-characters ceiling plus margin — the text is the whole of what xAI bills,
 * so the quote is exact. The answer is audio bytes (or JSON with base64 audio when timestamps are asked for).
 */
@ApplicationScoped
public class SpeechPricing {
    private static final Set<String> CODECS = Set.of("mp3", "wav", "pcm", "mulaw", "alaw");

    private final SpeechPrices prices;
    private final PricingConfig pricing;

    public SpeechPricing(SpeechPrices prices, PricingConfig pricing) {
        this.prices = prices;
        this.pricing = pricing;
    }

    public PriceRule rule() {
        return call -> quote(call.json());
    }

    Quote quote(JsonNode root) {
        long characters = characters(root);
        RequestFields.requiredText(root, "language");
        RequestFields.optionalText(root, "voice_id", null);
        RequestFields.optionalBoolean(root, "with_timestamps");
        RequestFields.optionalInt(root, "optimize_streaming_latency", 0, 2, 0);
        JsonNode format = root.get("output_format");
        if (format != null && !format.isNull()) {
            if (!format.isObject()) {
                throw new InvalidRequestException("output_format", "invalid_type", "output_format must be an object");
            }
            RequestFields.optionalOneOf(format, "codec", CODECS, "mp3");
            RequestFields.optionalInt(format, "sample_rate", 8_000, 48_000, 24_000);
            RequestFields.optionalInt(format, "bit_rate", 8_000, 320_000, 128_000);
        }
        long cost = cost(characters);
        long amount = MediaCharge.amount(cost, pricing);
        return Quote.of("tts", amount)
                .withQuotedUpstreamCost(cost)
                .withDetail(characters + " characters")
                .withUpstreamCost(usage -> usage.upstreamCostFromTicks().orElse(cost(usage.characters())));
    }

    private long characters(JsonNode root) {
        String text = RequestFields.requiredText(root, "text");
        long characters = text.codePointCount(0, text.length());
        if (characters > prices.maxCharacters()) {
            throw new InvalidRequestException("text", "string_above_max_length", "text must be at most "
                    + prices.maxCharacters() + " characters, not " + characters);
        }
        return characters;
    }

    private long cost(long characters) {
        return Math.ceilDiv(Math.multiplyExact(characters, prices.perThousandCharacters()), 1_000);
    }

    /** The characters spoken (xAI bills the request's text) and xAI's cost figure when the JSON answer has one. */
    public static final UsageReader USAGE = (PaidCall call, Quote quote, byte[] body, JsonNode parsed) -> {
        String text = call.json().path("text").asText("");
        JsonNode ticks = parsed == null ? null : parsed.path("usage").path("cost_in_usd_ticks");
        return Usage.NONE.withCharacters(text.codePointCount(0, text.length()))
                .withCostInUsdTicks(ticks != null && ticks.canConvertToLong() ? ticks.asLong() : null);
    };
}
