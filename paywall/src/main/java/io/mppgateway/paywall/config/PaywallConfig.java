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
}
