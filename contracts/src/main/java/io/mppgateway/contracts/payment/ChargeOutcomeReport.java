package io.mppgateway.contracts.payment;

import io.mppgateway.contracts.events.UsageOutcome;

/**
 * A provider tells payment-service, before it answers the buyer, what became of a settled charge
 * ({@code POST /internal/charges/{challengeId}/outcome}). payment-service needs it synchronously: a credential
 * presented again is refused (402) only once its charge is known to be FULFILLED, and released again without a new
 * payment when it is UPSTREAM_FAILED or CLIENT_GONE.
 */
public record ChargeOutcomeReport(UsageOutcome outcome) {
}
