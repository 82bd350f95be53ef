package io.mppgateway.contracts.events;

import java.time.Instant;
import java.util.List;

/**
 * A charge that payment-service verified on chain and claimed exactly once.
 * Published from the payment-service outbox on {@code payments.settled}, keyed by challenge id.
 *
 * @param amount   base units of the currency (pathUSD has 6 decimals); never a fraction
 * @param payer    the address that paid (from the credential's did:pkh source, or the transfer's sender)
 * @param mode     {@code push} (client broadcast, hash credential) or {@code pull} (server broadcast)
 * @param digest   the RFC 9530 digest of the paid request body the challenge was bound to, if any
 * @param splits   parts of {@code amount} paid to other recipients in the same transaction; {@code recipient}
 *                 received {@code amount} minus their sum. Empty for routes without splits (and in events written
 *                 before splits existed).
 */
public record PaymentSettled(
        String eventId,
        String chargeId,
        String challengeId,
        String provider,
        String route,
        String realm,
        long amount,
        String currency,
        long chainId,
        String txHash,
        String payer,
        String recipient,
        String mode,
        String digest,
        Instant settledAt,
        List<PaymentSplit> splits) {

    public PaymentSettled {
        splits = splits == null ? List.of() : List.copyOf(splits);
    }

    /** What the gateway's own wallet received. */
    public long recipientAmount() {
        return amount - PaymentSplit.total(splits);
    }
}
