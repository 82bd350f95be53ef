package io.mppgateway.ledger.journal.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.mppgateway.ledger.journal.domain.Posting;

/** The {@code postings} table as Hibernate Reactive reads it (append-only; written by the ingest). */
@Entity
@Table(name = "postings")
public class PostingEntity {
    @Id
    public long id;
    @Column(name = "journal_transaction_id")
    public long journalTransactionId;
    public String account;
    public long debit;
    public long credit;

    public Posting toDomain() {
        return new Posting(account, debit, credit);
    }
}
