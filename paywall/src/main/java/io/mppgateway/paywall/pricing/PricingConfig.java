package io.mppgateway.paywall.pricing;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Per-model prices, in base units of the charge currency (pathUSD, 6 decimals) per million tokens:
 * $2.00 per million = 2000000. Integers only; no floating point anywhere in pricing.
 */
@ConfigMapping(prefix = "pricing")
public interface PricingConfig {

    /** Margin on top of the upstream cost, in basis points (2000 = 20 %). */
    @WithDefault("2000")
    long marginBps();

    /** Smallest charge per call (Locus charges at least 0.005 USD). */
    @WithDefault("5000")
    long minPerCall();

    /** Largest charge per call. */
    @WithDefault("100000")
    long maxPerCall();

    /** Output tokens quoted when the request sets no max_tokens. */
    @WithDefault("1024")
    long defaultOutputTokens();

    /** Price of a fixed-price call (embeddings, moderation, model listing): Locus' 0.008 USD. */
    @WithDefault("8000")
    long fixedPerCall();

    /** Pages quoted for a document whose request does not list the pages to read. */
    @WithDefault("8")
    long defaultPagesQuoted();

    /** The models sold, by the id buyers send. */
    Map<String, ModelPrice> models();

    interface ModelPrice {
        /** Upstream price per million input tokens, base units. */
        @WithDefault("0")
        long inputPerMillion();

        /** Upstream price per million output tokens, base units. */
        @WithDefault("0")
        long outputPerMillion();

        /** Largest max_tokens a request may ask for. */
        @WithDefault("32768")
        long maxOutputTokens();

        /** Upstream price per document page (OCR), base units. */
        Optional<Long> perPage();

        /** Fixed price per call for this model, overriding {@link PricingConfig#fixedPerCall()}. */
        Optional<Long> perCall();

        /** This model's own margin, minimum and maximum per call, overriding the defaults above. */
        Optional<Long> marginBps();

        Optional<Long> minPerCall();

        Optional<Long> maxPerCall();

        /** What the model may be used for: chat, fim, embed, moderate, ocr. */
        @WithDefault("chat")
        Set<String> uses();
    }
}
