package io.mppgateway.contracts.payment;

/**
 * A settled (or previously settled and redeemable) charge.
 *
 * @param receipt the {@code Payment-Receipt} header value to return to the buyer
 */
public record SettlementResponse(String chargeId, String challengeId, String txHash, String payer, long amount,
        String mode, String receipt) {
}
