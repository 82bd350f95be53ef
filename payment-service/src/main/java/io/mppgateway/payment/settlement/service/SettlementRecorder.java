package io.mppgateway.payment.settlement.service;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.payment.common.db.Transactions;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.mppgateway.payment.settlement.repository.OutboxRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

/** Claims a payment and writes its settled event in one database transaction: both or neither. */
@ApplicationScoped
public class SettlementRecorder {
    private final Transactions transactions;
    private final ChargeRepository charges;
    private final OutboxRepository outbox;
    private final ObjectMapper mapper;

    public SettlementRecorder(Transactions transactions, ChargeRepository charges, OutboxRepository outbox,
            ObjectMapper mapper) {
        this.transactions = transactions;
        this.charges = charges;
        this.outbox = outbox;
        this.mapper = mapper;
    }

    /**
     * Push: @return the id of the settled event's outbox row (to publish just that row once committed); empty when the
     * challenge or transaction was already claimed (by any replica)
     */
    public Uni<Optional<Long>> recordOnce(Charge charge) {
        return transactions.run(tx -> charges.claim(tx, charge)
                .chain(claimed -> claimed ? publish(tx, charge).map(Optional::of) : none()));
    }

    /** Pull: claims challenge and transaction before the broadcast, so only one replica ever broadcasts it. */
    public Uni<Boolean> claimPending(Charge pending) {
        return transactions.run(tx -> charges.claim(tx, pending));
    }

    /**
     * Pull, after the chain included the transaction: pending → settled plus its event. @return the id of the event's
     * outbox row; empty when the charge was no longer pending (another request or the reconciler completed it)
     */
    public Uni<Optional<Long>> completePending(Charge settled) {
        return transactions.run(tx -> charges.completePending(tx, settled.chargeId(), settled.txHash(),
                settled.payer(), settled.settledAt())
                .chain(done -> done ? publish(tx, settled).map(Optional::of) : none()));
    }

    /** Reconciler: a claim whose transaction paid on chain with no request to deliver it → unfulfilled plus its event. */
    public Uni<Boolean> settleUnreleased(Charge settled) {
        return transactions.run(tx -> charges.settleUnreleased(tx, settled.chargeId(), settled.txHash(),
                settled.payer(), settled.settledAt())
                .call(done -> done ? publish(tx, settled) : Uni.createFrom().voidItem()));
    }

    private static Uni<Optional<Long>> none() {
        return Uni.createFrom().item(Optional.empty());
    }

    /** Writes the settled event to the outbox; @return its row's id */
    private Uni<Long> publish(SqlClient tx, Charge c) {
        PaymentSettled event = new PaymentSettled(java.util.UUID.randomUUID().toString(), c.chargeId().toString(),
                c.challengeId(), c.provider(), c.route(), c.realm(), c.amount(), c.currency(), c.chainId(),
                c.txHash(), c.payer(), c.recipient(), c.mode(), c.digest(), c.settledAt(), c.splits());
        try {
            return outbox.insert(tx, java.util.UUID.fromString(event.eventId()), Topics.PAYMENTS_SETTLED,
                    event.challengeId(), mapper.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException(e));
        }
    }

}
