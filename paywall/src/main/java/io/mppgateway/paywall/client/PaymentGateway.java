package io.mppgateway.paywall.client;

import java.util.List;

import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.smallrye.mutiny.Uni;

/**
 * Everything the paywall needs from payment-service, behind one bean: a challenge for an unpaid request, the
 * settlement of a presented credential, and the report of what became of a settled charge. The realm and provider
 * are this service's own (configuration), never the caller's.
 */
public interface PaymentGateway {

    /**
     * A fresh challenge for this route, amount and body digest (null for a bodiless request), minted in-process: it
     * never blocks.
     *
     * @throws IllegalArgumentException for terms this route cannot offer at this amount
     * @throws IllegalStateException    while no challenge can be offered (no charge terms yet)
     */
    IssuedChallenge challenge(String route, long amount, String digest, String description);

    /**
     * Verifies and settles the credential(s) the buyer sent; completes with {@link SettlementOutcome.Settled}, or
     * with the rejection to relay to the buyer as is, or fails when payment-service could not be asked.
     *
     * @param upstreamDownForSeconds 0, or how much longer this provider's upstream breaker stays open: then
     *                               payment-service claims no pull transaction and spends no redemption (503)
     */
    Uni<SettlementOutcome> settle(List<String> authorization, String route, long amount, String digest,
            String description, int upstreamDownForSeconds);

    /**
     * What became of a settled charge. Never throws: delivery problems are the gateway's to retry. From a successful
     * {@link #settle} until this report is recorded (or given up), the gateway keeps the charge's delivery lease at
     * payment-service renewed, so only a replica that died has its charges presumed undelivered.
     */
    void report(String challengeId, ChargeOutcomeReport report);
}
