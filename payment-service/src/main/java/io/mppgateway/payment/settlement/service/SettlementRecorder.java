package io.mppgateway.payment.settlement.service;

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

    /** @return false when the challenge or transaction was already claimed (by any replica) */
    @Transactional
    public boolean recordOnce(Charge charge, PaymentSettled event) {
        if (!charges.claim(charge)) {
            return false;
        }
        try {
            outbox.add(java.util.UUID.fromString(event.eventId()), Topics.PAYMENTS_SETTLED, event.challengeId(),
                    mapper.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return true;
    }
}
