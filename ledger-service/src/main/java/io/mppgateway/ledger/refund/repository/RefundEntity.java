package io.mppgateway.ledger.refund.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.mppgateway.ledger.refund.domain.Refund;

/** The {@code refunds} table as Hibernate Reactive reads it. */
@Entity
@Table(name = "refunds")
public class RefundEntity {
    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "challenge_id")
    public String challengeId;
    @Column(name = "charge_id")
    public String chargeId;
    @Column(name = "refund_tx_hash")
    public String refundTxHash;
    public String payer;
    public long amount;
    public String reason;
    @Column(name = "refunded_at")
    public Instant refundedAt;
    public boolean applied;

    public Refund toDomain() {
        return new Refund(eventId, challengeId, chargeId, refundTxHash, payer, amount, reason, refundedAt, applied);
    }
}
