package io.mppgateway.ledger.report.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the report endpoint. */
@ConfigMapping(prefix = "ledger.reports")
public interface ReportConfig {

    /** Longest accepted [from, to) range in days; rollups make long ranges cheap, this bounds the answer size. */
    @WithDefault("400")
    int maxDays();

    /** Payers per page of a report grouped by payer (a month can have tens of thousands of payers). */
    @WithDefault("1000")
    int defaultPayers();

    /** Most payers a caller may ask for in one page. */
    @WithDefault("10000")
    int maxPayers();
}
