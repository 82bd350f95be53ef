package io.mppgateway.paywall.pricing;

import java.util.Map;

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

    /** The models sold, by the id buyers send. */
    Map<String, ModelPrice> models();

    interface ModelPrice {
        /** Upstream price per million input tokens, base units. */
        long inputPerMillion();

        /** Upstream price per million output tokens, base units. */
        long outputPerMillion();

        /** Largest max_tokens a request may ask for. */
        long maxOutputTokens();
    }
}
