package io.mppgateway.contracts.payment;

import java.util.List;

/**
 * A provider submits the buyer's credential for the request it is about to serve ({@code POST /internal/settlements}).
 * The realm, route, amount and digest are what the provider expects for this very body; payment-service pins the
 * echoed challenge against them.
 *
 * @param authorization           every {@code Authorization} header value the buyer sent
 * @param upstreamDownForSeconds  0 when the provider can call its upstream now; otherwise its circuit breaker to the
 *                                upstream is open for about this long more. payment-service then neither claims a
 *                                pull transaction nor spends an undelivered charge's one redemption (both would
 *                                end in "payment kept" without an answer): it answers 503 upstream-unavailable with
 *                                this Retry-After and changes nothing. A push transfer, already on chain, is still
 *                                settled. Absent (a provider of an earlier release): 0.
 */
public record SettlementRequest(List<String> authorization, String realm, String provider, String route, long amount,
        String digest, String description, int upstreamDownForSeconds) {

    /** A provider whose upstream is available (or that does not know). */
    public SettlementRequest(List<String> authorization, String realm, String provider, String route, long amount,
            String digest, String description) {
        this(authorization, realm, provider, route, amount, digest, description, 0);
    }

    /** Whether the provider's upstream is known to be down right now. */
    public boolean upstreamDown() {
        return upstreamDownForSeconds > 0;
    }
}
