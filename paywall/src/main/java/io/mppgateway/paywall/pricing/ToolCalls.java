package io.mppgateway.paywall.pricing;

/**
 * The server-side tool calls (web search, X search, code execution) one call may make upstream, priced into its
 * worst case: each call at its upstream price per call, and its results read back by the model as input tokens.
 *
 * @param calls               the most calls the request can make (as bounded upstream, e.g. by a turn limit)
 * @param costPerCall         the upstream price of one call, base units (the dearest tool the request offers)
 * @param resultTokensPerCall input tokens one call's results may add to the model's context
 */
public record ToolCalls(long calls, long costPerCall, long resultTokensPerCall) {
    /** A call that uses no server-side tool. */
    public static final ToolCalls NONE = new ToolCalls(0, 0, 0);

    public ToolCalls {
        if (calls < 0 || costPerCall < 0 || resultTokensPerCall < 0) {
            throw new IllegalArgumentException("tool calls, their price and their tokens are never negative");
        }
    }

    /** The calls' own price upstream, base units. */
    long invocationCost() {
        return Math.multiplyExact(calls, costPerCall);
    }

    /** Input tokens the calls' results may add. */
    long resultTokens() {
        return Math.multiplyExact(calls, resultTokensPerCall);
    }
}
