package io.mppgateway.ledger.export.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** CSV export tuning. */
@ConfigMapping(prefix = "ledger.export")
public interface ExportConfig {

    /** Rows (charges) or journal transactions (postings) read per query while streaming. */
    @WithDefault("1000")
    int chunkSize();
}
