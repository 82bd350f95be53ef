package io.mppgateway.payment.settlement.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.mppgateway.contracts.events.PaymentSplit;
import io.mppgateway.contracts.mpp.PaymentTerms;

/**
 * A charge as payment-service stores it. Amount in base units.
 *
 * @param credentialRef what the credential named: the tx hash (push) or keccak256 of the signed transaction (pull)
 * @param status        see V2 migration for the life cycle
 * @param routeMemo     the memo the wallet's transfer had to carry instead of the attribution memo, if any
 * @param splits        parts of {@code amount} the buyer paid to other recipients
 */
public record Charge(UUID chargeId, String challengeId, String txHash, String provider, String route, String realm,
        long amount, String currency, long chainId, String payer, String recipient, String source, String mode,
        String digest, Instant settledAt, Instant challengeExpiresAt, String credentialRef, String status,
        String rawTransaction, String routeMemo, List<PaymentSplit> splits) {

    public Charge {
        splits = splits == null ? List.of() : List.copyOf(splits);
    }

    /** The terms this charge was paid under. */
    public PaymentTerms terms() {
        return new PaymentTerms(amount, routeMemo, splits);
    }

    public Charge withStatus(String newStatus) {
        return new Charge(chargeId, challengeId, txHash, provider, route, realm, amount, currency, chainId, payer,
                recipient, source, mode, digest, settledAt, challengeExpiresAt, credentialRef, newStatus,
                rawTransaction, routeMemo, splits);
    }

    public Charge settledAs(String nodeTxHash, String from, Instant at) {
        return new Charge(chargeId, challengeId, nodeTxHash, provider, route, realm, amount, currency, chainId, from,
                recipient, source, mode, digest, at, challengeExpiresAt, credentialRef, "settled", rawTransaction,
                routeMemo, splits);
    }
}
