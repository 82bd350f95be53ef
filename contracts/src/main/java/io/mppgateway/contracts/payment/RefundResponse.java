package io.mppgateway.contracts.payment;

/**
 * A refund of an unfulfilled charge ({@code POST /internal/refunds/{chargeId}} on payment-service): a TIP-20
 * transfer of the full amount from the gateway wallet back to the payer. At most one per charge.
 *
 * @param status {@code sent} once the chain included it; {@code sending} while its inclusion is not confirmed
 */
public record RefundResponse(String chargeId, String challengeId, String refundTxHash, String payer, long amount,
        String status) {
}
