package io.mppgateway.contracts.payment;

/**
 * A settled (or previously settled and redeemable) charge.
 *
 * @param receipt  the {@code Payment-Receipt} header value to return to the buyer
 * @param redeemed true when this credential had already settled a charge that was not delivered (upstream failed,
 *                 client gone) and is now released again without a new payment; no new payments.settled event
 *                 follows, so the provider proceeds at once
 */
public record SettlementResponse(String chargeId, String challengeId, String txHash, String payer, long amount,
        String mode, String receipt, boolean redeemed) {

    public SettlementResponse(String chargeId, String challengeId, String txHash, String payer, long amount,
            String mode, String receipt) {
        this(chargeId, challengeId, txHash, payer, amount, mode, receipt, false);
    }
}
