package io.mppgateway.paywall.pricing;

/**
 * The price of one chat call.
 *
 * @param amount             what the buyer pays, base units
 * @param upstreamCostCeiling the most the upstream can charge us for it, base units
 * @param stream             the buyer asked for server-sent events
 */
public record ChatQuote(String model, long inputTokensEstimate, long outputTokens, long upstreamCostCeiling,
        long amount, boolean stream) {
}
