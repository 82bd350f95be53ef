package io.mppgateway.ledger.balance.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The {@code account_balances} table (running totals per account) as Hibernate Reactive reads it. */
@Entity
@Table(name = "account_balances")
public class AccountBalanceEntity {
    @Id
    public String account;
    public long debit;
    public long credit;
}
