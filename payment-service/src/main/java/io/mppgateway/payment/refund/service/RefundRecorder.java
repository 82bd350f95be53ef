package io.mppgateway.payment.refund.service;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.PaymentRefunded;
import io.mppgateway.payment.refund.repository.RefundRepository;
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

    @Transactional
    public boolean confirm(Charge charge, String payer, String txHash, String reason, Instant at) {
        if (!refunds.finish(charge.chargeId(), "sent", txHash)) {
            return false;
        }
        charges.markRefunded(charge.chargeId());
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

    @Transactional
    public void fail(UUID chargeId) {
        refunds.finish(chargeId, "failed", null);
    }
}
