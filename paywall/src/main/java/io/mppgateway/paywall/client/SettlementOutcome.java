package io.mppgateway.paywall.client;

import io.mppgateway.contracts.payment.SettlementResponse;

/**
 * What payment-service said about a credential: settled, or a rejection to relay to the buyer as is
 * (status, problem body, fresh challenge, Retry-After).
 */
public sealed interface SettlementOutcome {

    record Settled(SettlementResponse settlement) implements SettlementOutcome {
    }

    record Rejected(int status, String problemJson, String wwwAuthenticate, String retryAfter)
            implements SettlementOutcome {
    }
}
