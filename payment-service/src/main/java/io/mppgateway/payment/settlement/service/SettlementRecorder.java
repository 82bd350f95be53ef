package io.mppgateway.payment.settlement.service;

import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.payment.common.db.Transactions;
import io.mppgateway.payment.common.timing.StepTimer;
import io.mppgateway.payment.common.timing.StepTimer.Step;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.settlement.messaging.OutboxRelay;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.mppgateway.payment.settlement.repository.OutboxRepository;
import io.mppgateway.payment.settlement.repository.OutboxRepository.NewEvent;
import io.mppgateway.payment.settlement.repository.OutboxRepository.WrittenEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Claims a payment and writes its settled event in one statement: both or neither, one round trip to the database
 * (a data-modifying CTE, no transaction around it), because both are on the paid call's critical path.
 */
@ApplicationScoped
public class SettlementRecorder {
    private final Transactions transactions;
    private final ChargeRepository charges;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final PaymentConfig config;
    private final ObjectMapper mapper;

    public SettlementRecorder(Transactions transactions, ChargeRepository charges, OutboxRepository outbox,
            OutboxRelay relay, PaymentConfig config, ObjectMapper mapper) {
        this.transactions = transactions;
        this.charges = charges;
        this.outbox = outbox;
        this.relay = relay;
        this.config = config;
        this.mapper = mapper;
    }

    /**
     * Push: @return the settled event as committed (to publish just that row at once); empty when the challenge or
     * transaction was already claimed (by any replica)
     */
    public Uni<Optional<WrittenEvent>> recordOnce(Charge charge) {
        return settledEvent(charge, ownPublication()).chain(event -> StepTimer.timed(Step.CLAIM,
                () -> charges.claimAnnounced(transactions.autoCommit(), charge, event))
                .map(id -> id.map(event::written)));
    }

    /**
     * Pull: claims challenge and transaction before the broadcast, holding the broadcast lease, so only one replica
     * ever broadcasts it.
     */
    public Uni<Boolean> claimPending(Charge pending) {
        return StepTimer.timed(Step.CLAIM,
                () -> charges.claimForBroadcast(transactions.autoCommit(), pending, config.broadcastLease()));
    }

    /**
     * Pull, after the chain included the transaction: pending → settled plus its event. @return the settled event as
     * committed; empty when the charge was no longer pending (another request or the reconciler completed it)
     */
    public Uni<Optional<WrittenEvent>> completePending(Charge settled) {
        return settledEvent(settled, ownPublication()).chain(event -> StepTimer.timed(Step.CLAIM,
                () -> charges.completeAnnounced(transactions.autoCommit(), settled.chargeId(), settled.txHash(),
                        settled.payer(), settled.settledAt(), event))
                .map(id -> id.map(event::written)));
    }

    /** Whether the settlement publishes its event itself (leased to it) or leaves it to the rounds (broker away). */
    private boolean ownPublication() {
        return !relay.ownPublishPaused();
    }

    /** Reconciler: a claim whose transaction paid on chain with no request to deliver it → unfulfilled plus its event. */
    public Uni<Boolean> settleUnreleased(Charge settled) {
        return settledEvent(settled, false).chain(event -> transactions.run(tx -> charges.settleUnreleased(tx,
                settled.chargeId(), settled.txHash(), settled.payer(), settled.settledAt())
                .call(done -> done ? outbox.insert(tx, event.eventId(), event.topic(), event.key(), event.payload())
                        : Uni.createFrom().voidItem())));
    }

    /** The payments.settled event of a charge, as its outbox row will carry it. */
    private Uni<NewEvent> settledEvent(Charge c, boolean leasedToWriter) {
        PaymentSettled event = new PaymentSettled(UUID.randomUUID().toString(), c.chargeId().toString(),
                c.challengeId(), c.provider(), c.route(), c.realm(), c.amount(), c.currency(), c.chainId(),
                c.txHash(), c.payer(), c.recipient(), c.mode(), c.digest(), c.settledAt(), c.splits());
        try {
            return Uni.createFrom().item(NewEvent.of(UUID.fromString(event.eventId()), Topics.PAYMENTS_SETTLED,
                    event.challengeId(), mapper.writeValueAsString(event), leasedToWriter));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException(e));
        }
    }
}
