package io.mppgateway.ledger.refund.domain;

import java.time.Instant;

import io.mppgateway.contracts.events.PaymentRefunded;

/** One {@code payments.refunded} event as stored; {@code applied} once posted against its charge. */
public record Refund(String eventId, String challengeId, String chargeId, String refundTxHash, String payer,
        long amount, String reason, Instant refundedAt, boolean applied) {

    public static Refund pending(PaymentRefunded e) {
        return new Refund(e.eventId(), e.challengeId(), e.chargeId(), e.refundTxHash(), e.payer(), e.amount(),
                e.reason(), e.refundedAt(), false);
    }
}
