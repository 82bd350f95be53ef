package io.mppgateway.ledger.charge.domain;

import java.time.Instant;

/**
 * A settled charge as the ledger stores it (table {@code charges}). Amounts in base units: {@code amount} is the price
 * the buyer paid; {@code upstreamCost} what its delivery attempts cost upstream so far; {@code quotedUpstreamCost}
 * the worst case its price was computed from (0 until a usage event says).
 */
public record Charge(
        String challengeId,
        String chargeId,
        String provider,
        String route,
        String realm,
        String model,
        long amount,
        String currency,
        long chainId,
        String txHash,
        String payer,
        String recipient,
        String mode,
        String digest,
        ChargeStatus status,
        Instant settledAt,
        Instant updatedAt,
        long upstreamCost,
        long quotedUpstreamCost) {

    public Charge withStatus(ChargeStatus newStatus) {
        return new Charge(challengeId, chargeId, provider, route, realm, model, amount, currency, chainId, txHash, payer,
                recipient, mode, digest, newStatus, settledAt, updatedAt, upstreamCost, quotedUpstreamCost);
    }

    public Charge withModel(String newModel) {
        return new Charge(challengeId, chargeId, provider, route, realm, newModel, amount, currency, chainId, txHash,
                payer, recipient, mode, digest, status, settledAt, updatedAt, upstreamCost, quotedUpstreamCost);
    }

    public Charge withCosts(long newUpstreamCost, long newQuotedUpstreamCost) {
        return new Charge(challengeId, chargeId, provider, route, realm, model, amount, currency, chainId, txHash,
                payer, recipient, mode, digest, status, settledAt, updatedAt, newUpstreamCost, newQuotedUpstreamCost);
    }

    /** Sold below cost: the upstream cost of its attempts exceeds what the buyer paid. */
    public boolean costExceedsPrice() {
        return upstreamCost > amount;
    }
}
