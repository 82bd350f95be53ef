package io.mppgateway.ledger.report.rest;

import java.time.Instant;
import java.util.List;

import io.mppgateway.ledger.charge.domain.Charge;

/**
 * Calls sold below their upstream cost, newest first (keyset pages like /ledger/charges). Amounts in base units:
 * {@code loss = upstreamCost - amount}; {@code quoteExceeded} when even the worst case the price was computed from was
 * below what the call cost (the quote was wrong, not just the margin).
 */
public record CostOverPriceView(List<Item> items, String nextCursor) {

    public record Item(String chargeId, String challengeId, String provider, String route, String model, String payer,
            String status, Instant settledAt, long amount, long upstreamCost, long quotedUpstreamCost, long loss,
            boolean quoteExceeded) {

        static Item of(Charge c) {
            return new Item(c.chargeId(), c.challengeId(), c.provider(), c.route(), c.model(), c.payer(),
                    c.status().dbValue(), c.settledAt(), c.amount(), c.upstreamCost(), c.quotedUpstreamCost(),
                    Math.subtractExact(c.upstreamCost(), c.amount()), c.upstreamCost() > c.quotedUpstreamCost());
        }
    }
}
