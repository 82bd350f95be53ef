package io.mppgateway.ledger.balance.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.common.jdbc.Jdbc;

/** Per-account totals over the whole journal. */
@ApplicationScoped
public class BalanceRepository {

    /** Totals of one account in base units. */
    public record AccountTotals(String account, long debit, long credit) {
    }

    private final DataSource dataSource;

    public BalanceRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<AccountTotals> totals() {
        // ::bigint makes an overflowing total an error instead of a silently wrong number
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        SELECT account, SUM(debit)::bigint AS debit, SUM(credit)::bigint AS credit
                        FROM postings GROUP BY account ORDER BY account""");
                ResultSet rs = ps.executeQuery()) {
            List<AccountTotals> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new AccountTotals(rs.getString("account"), rs.getLong("debit"), rs.getLong("credit")));
            }
            return rows;
        } catch (SQLException e) {
            throw Jdbc.failure("reading balances", e);
        }
    }
}
