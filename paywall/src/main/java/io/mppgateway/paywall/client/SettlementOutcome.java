package io.mppgateway.paywall.client;

import io.mppgateway.contracts.payment.SettlementResponse;

/**
 * What payment-service said about a credential: settled, or a rejection to relay to the buyer as is
 * (status, problem body, fresh challenge, Retry-After).
 */
public sealed interface SettlementOutcome {

    /** @param serverTiming payment-service's own {@code Server-Timing} (its whole time, the chain's share); may be null */
    record Settled(SettlementResponse settlement, String serverTiming) implements SettlementOutcome {
        public Settled(SettlementResponse settlement) {
            this(settlement, null);
        }
    }

    record Rejected(int status, String problemJson, String wwwAuthenticate, String retryAfter)
            implements SettlementOutcome {
    }
}
