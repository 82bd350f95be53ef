package io.mppgateway.ledger.report.domain;

import java.util.List;
import java.util.function.ToLongFunction;

import io.mppgateway.ledger.usage.domain.UsageRecord;

/**
 * Additive figures of a report row, all integers (base units or counts), in the order of the rollup tables'
 * columns ({@link #COLUMNS}). {@code fulfilledCalls} counts attempts that delivered something; {@code revenue} is net
 * of reversed revenue; {@code upstreamCost} is the actual upstream cost of every attempt, {@code quotedUpstreamCost}
 * the worst case their prices were computed from; {@code splitCost} is what buyers paid to split recipients on the
 * gateway's behalf. Margins are derived, never stored.
 */
public record ReportFigures(long calls, long fulfilledCalls, long revenue, long refunds, long upstreamCost,
        long splitCost, long promptTokens, long completionTokens, long totalTokens, long reasoningTokens,
        long cachedTokens, long images, long characters, long pages, long toolCalls, long quotedUpstreamCost) {

    /** A rollup column and the figure it holds. */
    public record Column(String name, ToLongFunction<ReportFigures> value) {
    }

    /** The rollup tables' figure columns, in the record's order. */
    public static final List<Column> COLUMNS = List.of(new Column("calls", ReportFigures::calls),
            new Column("fulfilled_calls", ReportFigures::fulfilledCalls), new Column("revenue", ReportFigures::revenue),
            new Column("refunds", ReportFigures::refunds), new Column("upstream_cost", ReportFigures::upstreamCost),
            new Column("split_cost", ReportFigures::splitCost),
            new Column("prompt_tokens", ReportFigures::promptTokens),
            new Column("completion_tokens", ReportFigures::completionTokens),
            new Column("total_tokens", ReportFigures::totalTokens),
            new Column("reasoning_tokens", ReportFigures::reasoningTokens),
            new Column("cached_tokens", ReportFigures::cachedTokens), new Column("images", ReportFigures::images),
            new Column("characters", ReportFigures::characters), new Column("pages", ReportFigures::pages),
            new Column("tool_calls", ReportFigures::toolCalls),
            new Column("quoted_upstream_cost", ReportFigures::quotedUpstreamCost));

    public static final ReportFigures ZERO = of(new long[COLUMNS.size()]);

    /** Figures from values in {@link #COLUMNS} order. */
    public static ReportFigures of(long[] v) {
        if (v.length != COLUMNS.size()) {
            throw new IllegalArgumentException("expected " + COLUMNS.size() + " figures, got " + v.length);
        }
        return new ReportFigures(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                v[13], v[14], v[15]);
    }

    /** One delivery attempt: a call, its units and costs, and the revenue it recognised (0 when none). */
    public static ReportFigures attempt(UsageRecord u, long revenue) {
        return new ReportFigures(1, u.delivered() ? 1 : 0, revenue, 0, u.upstreamCost(), 0, u.promptTokens(),
                u.completionTokens(), u.totalTokens(), u.reasoningTokens(), u.cachedTokens(), u.images(),
                u.characters(), u.pages(), u.toolCalls(), u.quotedUpstreamCost());
    }

    /** A refund, and the revenue it reverses (0 when the charge had not earned any). */
    public static ReportFigures refund(long amount, long reversedRevenue) {
        long[] v = new long[COLUMNS.size()];
        v[2] = -reversedRevenue;
        v[3] = amount;
        return of(v);
    }

    /** Only a split cost (negative to take one back). */
    public static ReportFigures splitCost(long amount) {
        long[] v = new long[COLUMNS.size()];
        v[5] = amount;
        return of(v);
    }

    public long[] values() {
        return COLUMNS.stream().mapToLong(c -> c.value().applyAsLong(this)).toArray();
    }

    public ReportFigures plus(ReportFigures o) {
        long[] a = values();
        long[] b = o.values();
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.addExact(a[i], b[i]);
        }
        return of(a);
    }

    /** revenue - upstreamCost - splitCost (splitCost is 0 without splits, so the margin of such charges is as before). */
    public long margin() {
        return Math.subtractExact(Math.subtractExact(revenue, upstreamCost), splitCost);
    }

    /** Margin in basis points of revenue (integer division toward zero); null without revenue. */
    public Long marginBps() {
        return bps(margin(), revenue);
    }

    /** How much the worst cases the prices were computed from exceeded the actual upstream cost. */
    public long quoteSlack() {
        return Math.subtractExact(quotedUpstreamCost, upstreamCost);
    }

    /** {@code part} in basis points of {@code whole} (integer division toward zero); null when whole is 0. */
    public static Long bps(long part, long whole) {
        return whole == 0 ? null : Math.multiplyExact(part, 10_000L) / whole;
    }
}
