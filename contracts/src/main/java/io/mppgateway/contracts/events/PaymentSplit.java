package io.mppgateway.contracts.events;

/**
 * One split of a charge: part of the amount that the buyer paid straight to another recipient in the same
 * transaction (MPP {@code methodDetails.splits}). The gateway's own wallet receives the charge amount minus all
 * splits.
 *
 * @param amount base units, always positive
 * @param memo   the bytes32 memo the split transfer had to carry, or null when any (or none) was accepted
 */
public record PaymentSplit(String recipient, long amount, String memo) {

    /** What a charge's splits take from its amount. */
    public static long total(java.util.List<PaymentSplit> splits) {
        return splits.stream().mapToLong(PaymentSplit::amount).sum();
    }
}
