package io.mppgateway.ledger.charge.domain;

import java.util.List;

/**
 * Part of a charge that the buyer paid straight to another recipient in the same transaction (table
 * {@code charge_splits}). Amount in base units, always positive; memo the bytes32 the transfer had to carry, or null.
 */
public record ChargeSplit(int position, String recipient, long amount, String memo) {

    /** Sum of the splits; what the charge's own recipient did not receive. */
    public static long total(List<ChargeSplit> splits) {
        return splits.stream().mapToLong(ChargeSplit::amount).reduce(0L, Math::addExact);
    }

    /** What the charge's recipient (the gateway's wallet) received. */
    public static long walletAmount(Charge charge, List<ChargeSplit> splits) {
        return Math.subtractExact(charge.amount(), total(splits));
    }
}
