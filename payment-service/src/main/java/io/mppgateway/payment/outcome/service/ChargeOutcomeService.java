package io.mppgateway.payment.outcome.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Records what a provider did with a settled charge. settled|redeeming → fulfilled (FULFILLED, REDEEMED) or
 * unfulfilled (UPSTREAM_FAILED, CLIENT_GONE). Repeating a report is harmless; contradicting a final state is a 409.
 */
@ApplicationScoped
public class ChargeOutcomeService {
    private final ChargeRepository charges;
    private final MeterRegistry metrics;

    public ChargeOutcomeService(ChargeRepository charges, MeterRegistry metrics) {
        this.charges = charges;
        this.metrics = metrics;
    }

    /** @return the charge's status after the report */
    public String report(String challengeId, UsageOutcome outcome) {
        if (outcome == null) {
            throw new IllegalArgumentException("outcome is required");
        }
        Charge charge = charges.findByChallenge(challengeId).orElseThrow(() -> new PaymentRejectedException(
                PaymentProblem.NOT_FOUND, "no charge for challenge " + challengeId, challengeId));
        String target = switch (outcome) {
            case FULFILLED, REDEEMED -> "fulfilled";
            case UPSTREAM_FAILED, CLIENT_GONE, ABANDONED -> "unfulfilled";
        };
        if (charges.recordOutcome(charge.chargeId(), target, outcome.name())) {
            metrics.counter("payment.outcomes", "outcome", outcome.name()).increment();
            return target;
        }
        String now = charges.findById(charge.chargeId()).map(Charge::status).orElse(charge.status());
        if (now.equals(target)) {
            return target;
        }
        throw new PaymentRejectedException(PaymentProblem.OUTCOME_CONFLICT,
                "charge is " + now + "; outcome " + outcome + " cannot be recorded", challengeId);
    }
}
