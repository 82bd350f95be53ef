package io.mppgateway.payment.settlement.repository;

import java.time.Instant;
import java.util.UUID;

/**
 * A charge as payment-service stores it. Amount in base units.
 *
 * @param credentialRef what the credential named: the tx hash (push) or keccak256 of the signed transaction (pull)
 * @param status        see V2 migration for the life cycle
 */
public record Charge(UUID chargeId, String challengeId, String txHash, String provider, String route, String realm,
        long amount, String currency, long chainId, String payer, String recipient, String source, String mode,
        String digest, Instant settledAt, Instant challengeExpiresAt, String credentialRef, String status,
        String rawTransaction) {

    public Charge withStatus(String newStatus) {
        return new Charge(chargeId, challengeId, txHash, provider, route, realm, amount, currency, chainId, payer,
                recipient, source, mode, digest, settledAt, challengeExpiresAt, credentialRef, newStatus,
                rawTransaction);
    }

    public Charge settledAs(String nodeTxHash, String from, Instant at) {
        return new Charge(chargeId, challengeId, nodeTxHash, provider, route, realm, amount, currency, chainId, from,
                recipient, source, mode, digest, at, challengeExpiresAt, credentialRef, "settled", rawTransaction);
    }
}
