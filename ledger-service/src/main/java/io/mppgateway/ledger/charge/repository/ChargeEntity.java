package io.mppgateway.ledger.charge.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeStatus;

/** The {@code charges} table as Hibernate Reactive reads it (finance reads); written by the ingest's batch SQL. */
@Entity
@Table(name = "charges")
public class ChargeEntity {
    @Id
    @Column(name = "challenge_id")
    public String challengeId;
    @Column(name = "charge_id")
    public String chargeId;
    public String provider;
    public String route;
    public String realm;
    public String model;
    public long amount;
    public String currency;
    @Column(name = "chain_id")
    public long chainId;
    @Column(name = "tx_hash")
    public String txHash;
    public String payer;
    public String recipient;
    public String mode;
    public String digest;
    public String status;
    @Column(name = "settled_at")
    public Instant settledAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "upstream_cost")
    public long upstreamCost;
    @Column(name = "quoted_upstream_cost")
    public long quotedUpstreamCost;

    public Charge toDomain() {
        return new Charge(challengeId, chargeId, provider, route, realm, model, amount, currency, chainId, txHash,
                payer, recipient, mode, digest, ChargeStatus.fromDb(status), settledAt, updatedAt, upstreamCost,
                quotedUpstreamCost);
    }
}
