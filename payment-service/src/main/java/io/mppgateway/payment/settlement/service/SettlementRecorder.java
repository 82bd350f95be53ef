package io.mppgateway.payment.settlement.service;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.mppgateway.payment.settlement.repository.OutboxRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** Claims a payment and writes its settled event in one database transaction: both or neither. */
@ApplicationScoped
public class SettlementRecorder {
    private final ChargeRepository charges;
    private final OutboxRepository outbox;
    private final ObjectMapper mapper;

    public SettlementRecorder(ChargeRepository charges, OutboxRepository outbox, ObjectMapper mapper) {
        this.charges = charges;
        this.outbox = outbox;
        this.mapper = mapper;
    }

    /** Push: @return false when the challenge or transaction was already claimed (by any replica) */
    @Transactional
    public boolean recordOnce(Charge charge) {
        if (!charges.claim(charge)) {
            return false;
        }
        publish(charge);
        return true;
    }

    /** Pull: claims challenge and transaction before the broadcast, so only one replica ever broadcasts it. */
    @Transactional
    public boolean claimPending(Charge pending) {
        return charges.claim(pending);
    }

    /** Pull, after the chain included the transaction: pending → settled plus its event. */
    @Transactional
    public boolean completePending(Charge settled) {
        if (!charges.completePending(settled.chargeId(), settled.txHash(), settled.payer(), settled.settledAt())) {
            return false;
        }
        publish(settled);
        return true;
    }

    /** Reconciler: a claim whose transaction paid on chain with no request to deliver it → unfulfilled plus its event. */
    @Transactional
    public boolean settleUnreleased(Charge settled) {
        if (!charges.settleUnreleased(settled.chargeId(), settled.txHash(), settled.payer(), settled.settledAt())) {
            return false;
        }
        publish(settled);
        return true;
    }

    private void publish(Charge c) {
        PaymentSettled event = new PaymentSettled(java.util.UUID.randomUUID().toString(), c.chargeId().toString(),
                c.challengeId(), c.provider(), c.route(), c.realm(), c.amount(), c.currency(), c.chainId(),
                c.txHash(), c.payer(), c.recipient(), c.mode(), c.digest(), c.settledAt(), c.splits());
        try {
            outbox.add(java.util.UUID.fromString(event.eventId()), Topics.PAYMENTS_SETTLED, event.challengeId(),
                    mapper.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
