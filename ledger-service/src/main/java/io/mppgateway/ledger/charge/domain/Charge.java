package io.mppgateway.ledger.charge.domain;

import java.time.Instant;

/** A settled charge as the ledger stores it (table {@code charges}). Amount in base units. */
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
        Instant updatedAt) {

    public Charge withStatus(ChargeStatus newStatus) {
        return new Charge(challengeId, chargeId, provider, route, realm, model, amount, currency, chainId, txHash, payer,
                recipient, mode, digest, newStatus, settledAt, updatedAt);
    }

    public Charge withModel(String newModel) {
        return new Charge(challengeId, chargeId, provider, route, realm, newModel, amount, currency, chainId, txHash,
                payer, recipient, mode, digest, status, settledAt, updatedAt);
    }
}
