package io.mppgateway.grok.routes;

import io.mppgateway.paywall.pricing.PricingConfig;

/**
 * The charge for a call whose worst-case upstream cost is known exactly from the request (images × n, characters):
 * that cost plus the margin, rounded up, never below the minimum per call. No maximum clamps it below cost: the
 * request's own bounds (n ≤ 10, text ≤ 60,000 characters) bound the price.
 */
public final class MediaCharge {
    private MediaCharge() {
    }

    public static long amount(long worstCaseUpstreamCost, PricingConfig pricing) {
        long withMargin = Math.ceilDiv(Math.multiplyExact(worstCaseUpstreamCost, 10_000 + pricing.marginBps()), 10_000);
        return Math.max(pricing.minPerCall(), withMargin);
    }
}
