package io.mppgateway.payment.refund.service;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.PaymentRefunded;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.refund.repository.RefundRepository;
import io.mppgateway.payment.refund.repository.RefundRepository.Refund;
import io.quarkus.logging.Log;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.mppgateway.payment.settlement.repository.OutboxRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** A confirmed refund: refund sent, charge refunded and its payments.refunded event, in one transaction. */
@ApplicationScoped
public class RefundRecorder {
    private final RefundRepository refunds;
    private final ChargeRepository charges;
    private final OutboxRepository outbox;
    private final ObjectMapper mapper;

    public RefundRecorder(RefundRepository refunds, ChargeRepository charges, OutboxRepository outbox,
            ObjectMapper mapper) {
        this.refunds = refunds;
        this.charges = charges;
        this.outbox = outbox;
        this.mapper = mapper;
    }

    /**
     * Records the signed refund and claims the charge for it (unfulfilled → refunding) in one transaction: a
     * redemption that got there first leaves nothing recorded.
     *
     * @return false when this charge already has a refund (another replica, or the automatic policy)
     * @throws PaymentRejectedException (outcome-conflict) when the charge is no longer unfulfilled
     */
    @Transactional
    public boolean claim(Refund signed) {
        if (!refunds.insertSending(signed)) {
            return false;
        }
        if (!charges.claimRefund(signed.chargeId())) {
            // rolls the refund row back: it was never sent
            throw new PaymentRejectedException(PaymentProblem.OUTCOME_CONFLICT,
                    "only unfulfilled charges are refunded; this one was redeemed or delivered meanwhile");
        }
        return true;
    }

    /** @return true when the charge became refunded and its event was written (false: nothing to announce) */
    @Transactional
    public boolean confirm(Charge charge, String payer, String txHash, String reason, Instant at) {
        if (!refunds.finish(charge.chargeId(), "sent", txHash)) {
            return false;
        }
        if (!charges.markRefunded(charge.chargeId())) {
            // the refund itself is recorded as sent (it was paid); the charge was not ours to announce as refunded
            Log.errorf("refund of %s confirmed but the charge was not refunding; no payments.refunded event",
                    charge.chargeId());
            return false;
        }
        PaymentRefunded event = new PaymentRefunded(UUID.randomUUID().toString(), charge.chargeId().toString(),
                charge.challengeId(), txHash, payer, charge.amount(), reason, at);
        try {
            outbox.add(UUID.fromString(event.eventId()), Topics.PAYMENTS_REFUNDED, charge.challengeId(),
                    mapper.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return true;
    }

    /** The chain refused or reverted the refund: nothing was paid back, the charge is unfulfilled again. */
    @Transactional
    public void fail(UUID chargeId) {
        if (refunds.finish(chargeId, "failed", null)) {
            charges.releaseRefund(chargeId);
        }
    }
}
