package io.mppgateway.payment.outcome.service;

import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.payment.caller.service.Caller;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.mppgateway.payment.settlement.repository.OutboxRepository;
import io.mppgateway.payment.common.db.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Records what a provider did with a settled charge. settled|redeeming → fulfilled (FULFILLED, REDEEMED) or
 * unfulfilled (UPSTREAM_FAILED, CLIENT_GONE). The report's {@code usage.recorded} event goes into the outbox in the
 * same transaction as the move, and only with the move: a repeated report (a retry whose answer was lost) changes
 * nothing and writes no second event; contradicting a final state is a 409.
 */
@ApplicationScoped
public class ChargeOutcomeService {
    private final Transactions transactions;
    private final ChargeRepository charges;
    private final OutboxRepository outbox;
    private final ObjectMapper mapper;
    private final MeterRegistry metrics;

    public ChargeOutcomeService(Transactions transactions, ChargeRepository charges, OutboxRepository outbox,
            ObjectMapper mapper, MeterRegistry metrics) {
        this.transactions = transactions;
        this.charges = charges;
        this.outbox = outbox;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    /**
     * @param caller the provider reporting: only the one that settled the charge may (403 otherwise, nothing changes)
     * @return the charge's status after the report
     */
    public Uni<String> report(String challengeId, ChargeOutcomeReport report, Caller caller) {
        UsageOutcome outcome = report.outcome();
        if (outcome == null) {
            throw new IllegalArgumentException("outcome is required");
        }
        return transactions.run(tx -> charges.findByChallenge(tx, challengeId).chain(found -> {
            Charge charge = found.orElseThrow(() -> new PaymentRejectedException(PaymentProblem.NOT_FOUND,
                    "no charge for challenge " + challengeId, challengeId));
            caller.requireOwnCharge(charge.provider(), challengeId);
            UUID usageEventId = report.usage() == null ? null : usageEventId(charge, outcome, report.usage());
            String target = switch (outcome) {
                case FULFILLED, REDEEMED -> "fulfilled";
                case UPSTREAM_FAILED, CLIENT_GONE, ABANDONED -> "unfulfilled";
            };
            return charges.recordOutcome(tx, charge.chargeId(), target, outcome.name()).chain(moved -> {
                if (moved) {
                    // the event commits with the move, or neither does
                    Uni<Void> event = usageEventId == null ? Uni.createFrom().voidItem()
                            : outbox.add(tx, usageEventId, Topics.USAGE_RECORDED, challengeId, json(report.usage()));
                    return event.invoke(() -> metrics.counter("payment.outcomes", "outcome", outcome.name())
                            .increment()).replaceWith(target);
                }
                return charges.findById(tx, charge.chargeId()).map(now -> {
                    String status = now.map(Charge::status).orElse(charge.status());
                    if (status.equals(target)) {
                        return target;
                    }
                    throw new PaymentRejectedException(PaymentProblem.OUTCOME_CONFLICT,
                            "charge is " + status + "; outcome " + outcome + " cannot be recorded", challengeId);
                });
            });
        }));
    }

    /** The usage event must be about this very charge and say the same outcome; its id keys the outbox row. */
    private static UUID usageEventId(Charge charge, UsageOutcome outcome, UsageRecorded usage) {
        if (!charge.challengeId().equals(usage.challengeId())
                || !charge.chargeId().toString().equals(usage.chargeId())) {
            throw new IllegalArgumentException("usage is about another charge than challenge " + charge.challengeId());
        }
        if (!charge.provider().equals(usage.provider())) {
            throw new IllegalArgumentException("usage names provider " + usage.provider() + ", the charge was settled"
                    + " for " + charge.provider());
        }
        if (usage.outcome() != outcome) {
            throw new IllegalArgumentException("usage outcome " + usage.outcome() + " differs from the reported "
                    + outcome);
        }
        try {
            return UUID.fromString(String.valueOf(usage.eventId()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("usage eventId must be a UUID");
        }
    }

    private String json(UsageRecorded usage) {
        try {
            return mapper.writeValueAsString(usage);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("usage event not serialisable", e);
        }
    }
}
