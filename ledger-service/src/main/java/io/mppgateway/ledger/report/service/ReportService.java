package io.mppgateway.ledger.report.service;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.charge.repository.ChargeRepository;
import io.mppgateway.ledger.charge.service.InvalidQueryException;
import io.mppgateway.ledger.report.config.ReportConfig;
import io.mppgateway.ledger.report.domain.Dimension;
import io.mppgateway.ledger.report.domain.ReportFigures;
import io.mppgateway.ledger.report.domain.ReportRow;
import io.mppgateway.ledger.report.repository.RollupRepository;
import io.smallrye.mutiny.Uni;

/** Revenue, upstream cost, margin, calls and tokens from the rollups, grouped as asked. */
@ApplicationScoped
public class ReportService {

    /**
     * A validated report with its grand total over the whole range (all payers, also when the rows are one page).
     *
     * @param nextAfter with payer in groupBy: the last payer of this page when more follow, to pass as {@code after}
     *                  for the next page; null on the last page and without payer
     */
    public record Report(LocalDate from, LocalDate to, List<Dimension> groupBy, String provider, List<ReportRow> rows,
            ReportFigures total, String nextAfter) {
    }

    private final RollupRepository rollups;
    private final ChargeRepository charges;
    private final ReportConfig config;

    public ReportService(RollupRepository rollups, ChargeRepository charges, ReportConfig config) {
        this.rollups = rollups;
        this.charges = charges;
        this.config = config;
    }

    /** Validates synchronously (a bad parameter is a 400 before any query), then reads the rollups. */
    public Uni<Report> report(String from, String to, String groupBy, String provider, Integer limit, String after) {
        LocalDate start = date("from", from);
        LocalDate end = date("to", to);
        checkRange(start, end);
        List<Dimension> dims = dimensions(groupBy);
        String p = provider == null || provider.isBlank() ? null : provider.trim();
        if (!dims.contains(Dimension.PAYER)) {
            if (limit != null || after != null) {
                throw new InvalidQueryException("limit and after page through payers: use them with groupBy payer");
            }
            return rollups.query(start, end, dims, p)
                    .map(rows -> new Report(start, end, dims, p, rows, sum(rows), null));
        }
        int payers = limit == null ? config.defaultPayers() : limit;
        if (payers < 1 || payers > config.maxPayers()) {
            throw new InvalidQueryException("limit must be between 1 and " + config.maxPayers());
        }
        return rollups.queryPayers(start, end, dims, p, after == null || after.isBlank() ? null : after.trim(), payers)
                // the same facts are in the model rollup, so the whole range's total costs one small aggregate
                .chain(page -> rollups.query(start, end, List.of(), p)
                        .map(all -> new Report(start, end, dims, p, page.rows(), sum(all),
                                page.more() ? page.lastPayer() : null)));
    }

    /**
     * Pricing per provider and model over UTC days [from, to): what was charged (revenue) against the actual
     * upstream cost and the worst case the prices were computed from, and how many calls were sold below cost.
     */
    public record Pricing(LocalDate from, LocalDate to, String provider, List<PricingRow> rows, PricingRow total) {
    }

    /** One model's pricing figures; {@code costOverPriceCalls} counts its charges settled in the range sold below cost. */
    public record PricingRow(String provider, String model, ReportFigures figures, long costOverPriceCalls) {
    }

    /** Needs a Hibernate Reactive session (the count of calls sold below cost reads the charges). */
    public Uni<Pricing> pricing(String from, String to, String provider) {
        LocalDate start = date("from", from);
        LocalDate end = date("to", to);
        checkRange(start, end);
        String p = provider == null || provider.isBlank() ? null : provider.trim();
        return rollups.query(start, end, List.of(Dimension.PROVIDER, Dimension.MODEL), p)
                .chain(rows -> charges.countCostOverPrice(start.atStartOfDay(ZoneOffset.UTC).toInstant(),
                        end.atStartOfDay(ZoneOffset.UTC).toInstant(), p).map(losses -> {
                            Map<String, Long> lossByModel = new HashMap<>();
                            losses.forEach(l -> lossByModel.put(l.provider() + "\u0000" + l.model(), l.calls()));
                            List<PricingRow> out = new ArrayList<>();
                            for (ReportRow r : rows) {
                                long lossCalls = lossByModel.getOrDefault(r.provider() + "\u0000" + r.model(), 0L);
                                if (r.figures().calls() > 0 || lossCalls > 0) {
                                    out.add(new PricingRow(r.provider(), r.model(), r.figures(), lossCalls));
                                }
                            }
                            PricingRow total = new PricingRow(null, null, sum(rows),
                                    losses.stream().mapToLong(ChargeRepository.CostOverPrice::calls).sum());
                            return new Pricing(start, end, p, out, total);
                        }));
    }

    private void checkRange(LocalDate start, LocalDate end) {
        if (!start.isBefore(end)) {
            throw new InvalidQueryException("from must be before to");
        }
        if (ChronoUnit.DAYS.between(start, end) > config.maxDays()) {
            throw new InvalidQueryException("the range may span at most " + config.maxDays() + " days");
        }
    }

    private static ReportFigures sum(List<ReportRow> rows) {
        return rows.stream().map(ReportRow::figures).reduce(ReportFigures.ZERO, ReportFigures::plus);
    }

    private static List<Dimension> dimensions(String groupBy) {
        List<Dimension> dims = new ArrayList<>();
        String spec = groupBy == null || groupBy.isBlank() ? "day" : groupBy;
        for (String part : spec.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            Dimension d;
            try {
                d = Dimension.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new InvalidQueryException("groupBy takes day, provider, model and payer, comma-separated");
            }
            if (!dims.contains(d)) {
                dims.add(d);
            }
        }
        if (dims.contains(Dimension.PAYER) && dims.contains(Dimension.MODEL)) {
            // two rollups, each with one of them: a payer x model matrix would be a scan of the charges
            throw new InvalidQueryException("groupBy cannot combine payer and model");
        }
        // a fixed order so that the output order does not depend on how the parameter was written
        dims.sort(null);
        return List.copyOf(dims);
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidQueryException(name + " is required (a UTC date such as 2026-11-01)");
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidQueryException(name + " must be a date such as 2026-11-01");
        }
    }
}
