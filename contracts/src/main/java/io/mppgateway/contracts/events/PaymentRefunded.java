package io.mppgateway.contracts.events;

import java.time.Instant;

/** A refund of an unfulfilled charge sent on chain to the payer. Published on {@code payments.refunded}. */
public record PaymentRefunded(
        String eventId,
        String chargeId,
        String challengeId,
        String refundTxHash,
        String payer,
        long amount,
        String reason,
        Instant refundedAt) {
}
