package io.mppgateway.ledger.charge.service;

import java.util.List;
import java.util.Map;

import io.mppgateway.ledger.charge.domain.Charge;

/**
 * One page of charges; {@code nextCursor} is null on the last page. {@code splitTotals} holds the sum of the splits
 * of those charges that have any.
 */
public record ChargePage(List<Charge> items, Map<String, Long> splitTotals, String nextCursor) {

    /** What the charge's recipient received: the amount minus its splits. */
    public long walletAmount(Charge charge) {
        return Math.subtractExact(charge.amount(), splitTotals.getOrDefault(charge.challengeId(), 0L));
    }
}
