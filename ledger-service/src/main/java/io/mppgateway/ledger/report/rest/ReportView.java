package io.mppgateway.ledger.report.rest;

import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.mppgateway.ledger.report.domain.Dimension;
import io.mppgateway.ledger.report.domain.ReportFigures;
import io.mppgateway.ledger.report.domain.ReportRow;
import io.mppgateway.ledger.report.service.ReportService;

/**
 * A report: one row per group, each with integer figures; margin = revenue - upstreamCost - splitCost. Grouped by
 * payer, {@code nextAfter} names where the next page of payers starts (absent on the last page).
 */
public record ReportView(LocalDate from, LocalDate to, List<String> groupBy, String provider, List<Row> rows,
        Figures total, @JsonInclude(JsonInclude.Include.NON_NULL) String nextAfter) {

    /** One group: the dimensions grouped by (the others absent) and its figures. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Row(LocalDate day, String provider, String model, String payer, @JsonUnwrapped Figures figures) {
    }

    /**
     * Figures in base units or counts. marginBps is margin / revenue in basis points (integer), absent without
     * revenue; fulfilledCalls counts attempts that delivered something; quotedUpstreamCost is the worst case the
     * prices were computed from and quoteSlack = quotedUpstreamCost - upstreamCost (how much room the quotes left).
     */
    public record Figures(long revenue, long upstreamCost, long splitCost, long margin,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long marginBps, long refunds, long calls, long fulfilledCalls,
            long promptTokens, long completionTokens, long totalTokens, long reasoningTokens, long cachedTokens,
            long images, long characters, long pages, long toolCalls, long quotedUpstreamCost, long quoteSlack) {

        static Figures of(ReportFigures f) {
            return new Figures(f.revenue(), f.upstreamCost(), f.splitCost(), f.margin(), f.marginBps(), f.refunds(),
                    f.calls(), f.fulfilledCalls(), f.promptTokens(), f.completionTokens(), f.totalTokens(),
                    f.reasoningTokens(), f.cachedTokens(), f.images(), f.characters(), f.pages(), f.toolCalls(),
                    f.quotedUpstreamCost(), f.quoteSlack());
        }
    }

    static ReportView of(ReportService.Report r) {
        return new ReportView(r.from(), r.to(), r.groupBy().stream().map(Dimension::param).toList(), r.provider(),
                r.rows().stream().map(ReportView::row).toList(), Figures.of(r.total()), r.nextAfter());
    }

    private static Row row(ReportRow r) {
        return new Row(r.day(), r.provider(), r.model(), r.payer(), Figures.of(r.figures()));
    }
}
