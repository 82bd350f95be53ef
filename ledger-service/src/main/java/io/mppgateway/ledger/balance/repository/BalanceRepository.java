package io.mppgateway.ledger.balance.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.mppgateway.ledger.common.jdbc.Jdbc;

/** Running per-account totals (account_balances), kept with the postings in the same transaction. */
@ApplicationScoped
public class BalanceRepository {

    /** Totals of one account in base units. */
    public record AccountTotals(String account, long debit, long credit) {
    }

    private final DataSource dataSource;

    public BalanceRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Adds {debit, credit} per account, in the map's (sorted) order so that concurrent writers cannot deadlock. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void add(Map<String, long[]> totals) {
        if (totals.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO account_balances (account, debit, credit) VALUES (?, ?, ?)
                        ON CONFLICT (account) DO UPDATE SET debit = account_balances.debit + EXCLUDED.debit,
                                                            credit = account_balances.credit + EXCLUDED.credit""")) {
            for (Map.Entry<String, long[]> e : totals.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setLong(2, e.getValue()[0]);
                ps.setLong(3, e.getValue()[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw Jdbc.failure("updating account balances", e);
        }
    }

    /** All accounts, or those whose name starts with {@code prefix}, sorted by name. */
    public List<AccountTotals> totals(String prefix) {
        String sql = "SELECT account, debit, credit FROM account_balances"
                + (prefix == null ? "" : " WHERE starts_with(account, ?)") + " ORDER BY account";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (prefix != null) {
                ps.setString(1, prefix);
            }
            List<AccountTotals> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new AccountTotals(rs.getString("account"), rs.getLong("debit"), rs.getLong("credit")));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw Jdbc.failure("reading balances", e);
        }
    }
}
