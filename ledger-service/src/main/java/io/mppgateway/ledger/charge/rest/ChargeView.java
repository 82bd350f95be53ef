package io.mppgateway.ledger.charge.rest;

import java.time.Instant;

import io.mppgateway.ledger.charge.domain.Charge;

/** A charge as finance staff see it. Amount in integer base units (6 decimals). */
public record ChargeView(
        String chargeId,
        String challengeId,
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
        String status,
        Instant settledAt) {

    static ChargeView of(Charge c) {
        return new ChargeView(c.chargeId(), c.challengeId(), c.provider(), c.route(), c.realm(), c.model(), c.amount(),
                c.currency(), c.chainId(), c.txHash(), c.payer(), c.recipient(), c.mode(), c.status().dbValue(),
                c.settledAt());
    }
}
