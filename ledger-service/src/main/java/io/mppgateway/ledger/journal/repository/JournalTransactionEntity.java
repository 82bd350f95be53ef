package io.mppgateway.ledger.journal.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The {@code journal_transactions} table as Hibernate Reactive reads it (append-only; written by the ingest). */
@Entity
@Table(name = "journal_transactions")
public class JournalTransactionEntity {
    @Id
    public long id;
    public String kind;
    @Column(name = "challenge_id")
    public String challengeId;
    @Column(name = "source_event_id")
    public String sourceEventId;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    @Column(name = "posted_at")
    public Instant postedAt;
    public String description;
}
