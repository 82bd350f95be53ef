package io.mppgateway.ledger.balance.rest;

/** Totals of one account in base units; {@code balance = debit - credit} (negative for liabilities and revenue). */
public record BalanceView(String account, long debit, long credit, long balance) {
}
