package io.mppgateway.ledger.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/** Direct reads of the ledger tables, for facts the API does not expose (processed events, applied flags). */
public final class LedgerDb {
    private LedgerDb() {
    }

    public static long count(DataSource ds, String sql, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String string(DataSource ds, String sql, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Non-zero balance (debit - credit) per account over the journal of these charges. */
    public static java.util.Map<String, Long> balances(DataSource ds, java.util.List<String> challengeIds) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT p.account, SUM(p.debit)::bigint - SUM(p.credit)::bigint AS balance
                FROM postings p JOIN journal_transactions t ON t.id = p.journal_transaction_id
                WHERE t.challenge_id = ANY (?) GROUP BY p.account""")) {
            ps.setArray(1, c.createArrayOf("text", challengeIds.toArray()));
            java.util.Map<String, Long> out = new java.util.HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong("balance") != 0) {
                        out.put(rs.getString("account"), rs.getLong("balance"));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
