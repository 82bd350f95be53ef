package io.mppgateway.paywall.testing;

import static org.mockito.ArgumentMatchers.argThat;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;

/**
 * Mockito matchers for the outcome a provider reports to payment-service ({@code ChargeOutcomeReport} v2 carries the
 * whole usage event, whose id is new for every delivery attempt, so tests match on what matters).
 */
public final class Reported {
    private Reported() {
    }

    /** A report of this outcome, carrying its usage event. */
    public static ChargeOutcomeReport outcome(UsageOutcome outcome) {
        return argThat(r -> r != null && r.outcome() == outcome && r.usage() != null
                && r.usage().outcome() == outcome);
    }

    /** A report of this outcome whose usage event says whether anything reached the buyer. */
    public static ChargeOutcomeReport outcome(UsageOutcome outcome, boolean delivered) {
        return argThat(r -> r != null && r.outcome() == outcome && r.usage() != null
                && r.usage().outcome() == outcome && Boolean.valueOf(delivered).equals(r.usage().delivered()));
    }
}
