package io.mppgateway.paywall.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a provider service sells its routes. */
@ConfigMapping(prefix = "paywall")
public interface PaywallConfig {

    /** Provider name in events and the ledger: {@code mistral} or {@code grok}. */
    String provider();

    /** The MPP realm of this provider; bound into every challenge id and on-chain memo. */
    String realm();

    /** How long a settled request waits for its payments.settled event before answering 503 (payment kept). */
    @WithDefault("PT10S")
    Duration settlementWait();

    /** Largest JSON request body a paid route accepts (413 before any payment above it). */
    @WithDefault("1048576")
    long maxBodyBytes();

    /** A streamed answer whose upstream sends nothing for this long is cut and recorded as UPSTREAM_FAILED. */
    @WithDefault("PT30S")
    Duration streamIdleTimeout();

    /** Longest Retry-After of an upstream 429/503 that is waited out before the next attempt. */
    @WithDefault("PT5S")
    Duration maxRetryAfter();
}
