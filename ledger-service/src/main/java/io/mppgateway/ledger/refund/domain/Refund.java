package io.mppgateway.ledger.refund.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.mppgateway.contracts.events.PaymentRefunded;

/** One {@code payments.refunded} event as stored; {@code applied} once posted against its charge. */
public record Refund(String eventId, String challengeId, String chargeId, String refundTxHash, String payer,
        long amount, String reason, Instant refundedAt, boolean applied) {

    /** As received; refundedAt at the database's precision (microseconds), so that stored and read back are equal. */
    public static Refund pending(PaymentRefunded e) {
        return new Refund(e.eventId(), e.challengeId(), e.chargeId(), e.refundTxHash(), e.payer(), e.amount(),
                e.reason(), e.refundedAt().truncatedTo(ChronoUnit.MICROS), false);
    }

    public Refund withApplied(boolean value) {
        return new Refund(eventId, challengeId, chargeId, refundTxHash, payer, amount, reason, refundedAt, value);
    }
}
