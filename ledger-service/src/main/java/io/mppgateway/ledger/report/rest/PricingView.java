package io.mppgateway.ledger.report.rest;

import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.mppgateway.ledger.report.domain.ReportFigures;
import io.mppgateway.ledger.report.service.ReportService;

/**
 * Quote against actual, per provider and model, so finance can tune margins. All amounts in base units.
 * {@code charged} is the revenue of the calls delivered in the range; {@code overcharge = charged - upstreamCost} and
 * {@code overchargeBps} is it in basis points of charged; {@code quoteSlack = quotedUpstreamCost - upstreamCost} (how
 * far the worst cases the prices were computed from were above what the calls really cost) and {@code quoteSlackBps}
 * in basis points of the quoted cost; {@code costOverPriceCalls} counts the charges settled in the range whose upstream
 * cost exceeded their price (should be 0; they are listed by /ledger/reports/cost-over-price).
 */
public record PricingView(LocalDate from, LocalDate to, String provider, List<Row> rows, Row total) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Row(String provider, String model, long calls, long deliveredCalls, long charged, long upstreamCost,
            long quotedUpstreamCost, long overcharge, Long overchargeBps, long quoteSlack, Long quoteSlackBps,
            long costOverPriceCalls) {

        static Row of(ReportService.PricingRow r) {
            ReportFigures f = r.figures();
            long overcharge = Math.subtractExact(f.revenue(), f.upstreamCost());
            return new Row(r.provider(), r.model(), f.calls(), f.fulfilledCalls(), f.revenue(), f.upstreamCost(),
                    f.quotedUpstreamCost(), overcharge, ReportFigures.bps(overcharge, f.revenue()), f.quoteSlack(),
                    ReportFigures.bps(f.quoteSlack(), f.quotedUpstreamCost()), r.costOverPriceCalls());
        }
    }

    static PricingView of(ReportService.Pricing p) {
        return new PricingView(p.from(), p.to(), p.provider(), p.rows().stream().map(Row::of).toList(),
                Row.of(p.total()));
    }
}
