package io.mppgateway.mistral.discovery.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the discovery documents say about the service beyond its routes and prices. */
@ConfigMapping(prefix = "discovery")
public interface DiscoveryConfig {

    /** The TIP-20 token charged (pathUSD on Tempo), as it appears in the challenges. */
    @WithDefault("0x20c0000000000000000000000000000000000000")
    String currency();

    /** Public base URL of this service, if it is published behind an ingress. */
    Optional<String> publicUrl();
}
