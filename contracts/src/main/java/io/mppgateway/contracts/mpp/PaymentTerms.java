package io.mppgateway.contracts.mpp;

import java.util.List;

import io.mppgateway.contracts.events.PaymentSplit;

/**
 * What one purchase must pay, as its challenge states it: the charge amount, the parts paid straight to other
 * recipients, and the memo rule of the transfer to the gateway's wallet.
 *
 * @param memo   the bytes32 memo the wallet's transfer must carry, or null: then it must carry the MPP attribution
 *               memo bound to the realm and challenge
 * @param splits parts of {@code amount} for other recipients, in challenge order
 */
public record PaymentTerms(long amount, String memo, List<PaymentSplit> splits) {

    public PaymentTerms {
        splits = List.copyOf(splits);
    }

    /** What the gateway's own wallet receives: the amount minus the splits (always positive). */
    public long recipientAmount() {
        return amount - PaymentSplit.total(splits);
    }
}
