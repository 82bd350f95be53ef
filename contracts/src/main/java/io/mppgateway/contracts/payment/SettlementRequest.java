package io.mppgateway.contracts.payment;

import java.util.List;

/**
 * A provider submits the buyer's credential for the request it is about to serve ({@code POST /internal/settlements}).
 * The realm, route, amount and digest are what the provider expects for this very body; payment-service pins the
 * echoed challenge against them.
 *
 * @param authorization every {@code Authorization} header value the buyer sent
 */
public record SettlementRequest(List<String> authorization, String realm, String provider, String route, long amount,
        String digest, String description) {
}
