package io.mppgateway.payment.settlement.repository;

import java.time.Instant;
import java.util.UUID;

/** A settled charge as payment-service stores it. Amount in base units. */
public record Charge(UUID chargeId, String challengeId, String txHash, String provider, String route, String realm,
        long amount, String currency, long chainId, String payer, String recipient, String source, String mode,
        String digest, Instant settledAt, Instant challengeExpiresAt) {
}
