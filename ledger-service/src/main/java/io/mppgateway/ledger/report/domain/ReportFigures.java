package io.mppgateway.ledger.report.domain;

/**
 * Additive figures of a report row, all integers (base units or counts). {@code revenue} is net of reversed
 * revenue; {@code splitCost} is what buyers paid to split recipients on the gateway's behalf; {@code margin} is
 * derived, never stored.
 */
public record ReportFigures(long calls, long fulfilledCalls, long revenue, long refunds, long upstreamCost,
        long splitCost, long promptTokens, long completionTokens, long totalTokens, long reasoningTokens,
        long cachedTokens) {

    public static final ReportFigures ZERO = new ReportFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Only a split cost (negative to take one back). */
    public static ReportFigures splitCost(long amount) {
        return new ReportFigures(0, 0, 0, 0, 0, amount, 0, 0, 0, 0, 0);
    }

    public ReportFigures plus(ReportFigures o) {
        return new ReportFigures(Math.addExact(calls, o.calls), Math.addExact(fulfilledCalls, o.fulfilledCalls),
                Math.addExact(revenue, o.revenue), Math.addExact(refunds, o.refunds),
                Math.addExact(upstreamCost, o.upstreamCost), Math.addExact(splitCost, o.splitCost),
                Math.addExact(promptTokens, o.promptTokens), Math.addExact(completionTokens, o.completionTokens),
                Math.addExact(totalTokens, o.totalTokens), Math.addExact(reasoningTokens, o.reasoningTokens),
                Math.addExact(cachedTokens, o.cachedTokens));
    }

    /** revenue - upstreamCost - splitCost (splitCost is 0 without splits, so the margin of such charges is as before). */
    public long margin() {
        return Math.subtractExact(Math.subtractExact(revenue, upstreamCost), splitCost);
    }

    /** Margin in basis points of revenue (integer division toward zero); null without revenue. */
    public Long marginBps() {
        return revenue == 0 ? null : Math.multiplyExact(margin(), 10_000L) / revenue;
    }
}
