package io.mppgateway.ledger.charge.repository;

import java.io.Serializable;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.mppgateway.ledger.charge.domain.ChargeSplit;

/** The {@code charge_splits} table as Hibernate Reactive reads it. */
@Entity
@Table(name = "charge_splits")
@IdClass(ChargeSplitEntity.Key.class)
public class ChargeSplitEntity {
    @Id
    @Column(name = "challenge_id")
    public String challengeId;
    @Id
    public int position;
    public String recipient;
    public long amount;
    public String memo;

    public ChargeSplit toDomain() {
        return new ChargeSplit(position, recipient, amount, memo);
    }

    /** Composite primary key (challenge id, position). */
    public static class Key implements Serializable {
        public String challengeId;
        public int position;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.position == position && Objects.equals(k.challengeId, challengeId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(challengeId, position);
        }
    }
}
