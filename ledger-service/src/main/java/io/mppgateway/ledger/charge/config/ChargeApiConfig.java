package io.mppgateway.ledger.charge.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Paging limits of the finance charge listing. */
@ConfigMapping(prefix = "ledger.charges")
public interface ChargeApiConfig {

    /** Page size when the request has no {@code limit}. */
    @WithDefault("50")
    int defaultLimit();

    /** Largest accepted {@code limit}; bigger pages are refused (400) rather than silently truncated. */
    @WithDefault("500")
    int maxLimit();
}
