package io.mppgateway.contracts.payment;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;

/**
 * A provider tells payment-service what became of a settled charge
 * ({@code POST /internal/charges/{challengeId}/outcome}): payment-service moves the charge to its next state (a
 * credential presented again is refused once its charge was delivered, released again without a new payment when
 * nothing was) and, when {@code usage} is present, writes that {@code usage.recorded} event to its outbox in the same
 * transaction, so the revenue booking survives a Kafka outage. The report is idempotent by {@code usage.eventId()}.
 *
 * @param usage the event to publish, built by the provider; null from providers that publish usage themselves
 */
public record ChargeOutcomeReport(UsageOutcome outcome, UsageRecorded usage) {

    public ChargeOutcomeReport(UsageOutcome outcome) {
        this(outcome, null);
    }
}
