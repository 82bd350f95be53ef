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
import io.mppgateway.payment.common.db.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** A confirmed refund: refund sent, charge refunded and its payments.refunded event, in one transaction. */
@ApplicationScoped
public class RefundRecorder {
    private final Transactions transactions;
    private final RefundRepository refunds;
    private final ChargeRepository charges;
    private final OutboxRepository outbox;
    private final ObjectMapper mapper;

    public RefundRecorder(Transactions transactions, RefundRepository refunds, ChargeRepository charges,
            OutboxRepository outbox, ObjectMapper mapper) {
        this.transactions = transactions;
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
    public Uni<Boolean> claim(Refund signed) {
        return transactions.run(tx -> refunds.insertSending(tx, signed).chain(inserted -> !inserted
                ? Uni.createFrom().item(false)
                : charges.claimRefund(tx, signed.chargeId()).map(claimed -> {
                    if (!claimed) {
                        // rolls the refund row back: it was never sent
                        throw new PaymentRejectedException(PaymentProblem.OUTCOME_CONFLICT,
                                "only unfulfilled charges are refunded; this one was redeemed or delivered meanwhile");
                    }
                    return true;
                })));
    }

    /** @return true when the charge became refunded and its event was written (false: nothing to announce) */
    public Uni<Boolean> confirm(Charge charge, String payer, String txHash, String reason, Instant at) {
        return transactions.run(tx -> refunds.finish(tx, charge.chargeId(), "sent", txHash).chain(finished -> {
            if (!finished) {
                return Uni.createFrom().item(false);
            }
            return charges.markRefunded(tx, charge.chargeId()).chain(refunded -> {
                if (!refunded) {
                    // the refund itself is recorded as sent (it was paid); the charge was not ours to announce as
                    // refunded
                    Log.errorf("refund of %s confirmed but the charge was not refunding; no payments.refunded event",
                            charge.chargeId());
                    return Uni.createFrom().item(false);
                }
                PaymentRefunded event = new PaymentRefunded(UUID.randomUUID().toString(),
                        charge.chargeId().toString(), charge.challengeId(), txHash, payer, charge.amount(), reason, at);
                try {
                    return outbox.add(tx, UUID.fromString(event.eventId()), Topics.PAYMENTS_REFUNDED,
                            charge.challengeId(), mapper.writeValueAsString(event)).replaceWith(true);
                } catch (JsonProcessingException e) {
                    return Uni.createFrom().failure(new IllegalStateException(e));
                }
            });
        }));
    }

    /** The chain refused or reverted the refund: nothing was paid back, the charge is unfulfilled again. */
    public Uni<Void> fail(UUID chargeId) {
        return transactions.run(tx -> refunds.finish(tx, chargeId, "failed", null)
                .chain(finished -> finished ? charges.releaseRefund(tx, chargeId).replaceWithVoid()
                        : Uni.createFrom().voidItem()));
    }
}
