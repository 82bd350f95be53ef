package io.mppgateway.ledger.charge.rest;

import java.time.Instant;

import io.mppgateway.ledger.charge.domain.Charge;

/**
 * A charge as finance staff see it. Amounts in integer base units (6 decimals); {@code walletAmount} is what the
 * recipient received, the amount minus the charge's splits (equal to the amount without splits); {@code upstreamCost}
 * what its delivery attempts cost upstream, {@code quotedUpstreamCost} the worst case its price was computed from.
 */
public record ChargeView(
        String chargeId,
        String challengeId,
        String provider,
        String route,
        String realm,
        String model,
        long amount,
        long walletAmount,
        String currency,
        long chainId,
        String txHash,
        String payer,
        String recipient,
        String mode,
        String status,
        Instant settledAt,
        long upstreamCost,
        long quotedUpstreamCost) {

    static ChargeView of(Charge c, long walletAmount) {
        return new ChargeView(c.chargeId(), c.challengeId(), c.provider(), c.route(), c.realm(), c.model(), c.amount(),
                walletAmount, c.currency(), c.chainId(), c.txHash(), c.payer(), c.recipient(), c.mode(), c.status().dbValue(),
                c.settledAt(), c.upstreamCost(), c.quotedUpstreamCost());
    }
}
