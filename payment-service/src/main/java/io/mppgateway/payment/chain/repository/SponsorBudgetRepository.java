package io.mppgateway.payment.chain.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/** What the fee payer has committed to in each time window, shared by every replica. */
@ApplicationScoped
public class SponsorBudgetRepository {
    private final DataSource dataSource;

    public SponsorBudgetRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Adds {@code fee} to the window's spending if it stays within {@code budget}, atomically, once per challenge: a
     * challenge whose transaction was already reserved for (the same credential presented again) adds nothing.
     *
     * @return false when the window's budget cannot take it (nothing is added)
     */
    public boolean reserve(Instant windowStart, long fee, long budget, String challengeId) {
        if (fee > budget) {
            return false;
        }
        String claim = """
                INSERT INTO sponsor_reservations (challenge_id, window_start, fee) VALUES (?, ?, ?)
                ON CONFLICT (challenge_id) DO NOTHING""";
        String spend = """
                INSERT INTO sponsor_budget (window_start, spent) VALUES (?, ?)
                ON CONFLICT (window_start) DO UPDATE SET spent = sponsor_budget.spent + EXCLUDED.spent
                WHERE sponsor_budget.spent + EXCLUDED.spent <= ?
                RETURNING spent""";
        try (Connection con = dataSource.getConnection()) {
            con.setAutoCommit(false);
            try (PreparedStatement first = con.prepareStatement(claim)) {
                first.setString(1, challengeId);
                first.setTimestamp(2, Timestamp.from(windowStart));
                first.setLong(3, fee);
                if (first.executeUpdate() == 0) {
                    con.commit();
                    return true; // reserved when this challenge's transaction was first co-signed
                }
                try (PreparedStatement ps = con.prepareStatement(spend)) {
                    ps.setTimestamp(1, Timestamp.from(windowStart));
                    ps.setLong(2, fee);
                    ps.setLong(3, budget);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            con.commit();
                            return true;
                        }
                    }
                }
                con.rollback();
                return false;
            } catch (SQLException e) {
                con.rollback();
                throw e;
            } finally {
                con.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not reserve sponsor budget", e);
        }
    }

    /** What the window has spent (reserved) so far. */
    public long spent(Instant windowStart) {
        try (Connection con = dataSource.getConnection();
                PreparedStatement ps = con.prepareStatement("SELECT spent FROM sponsor_budget WHERE window_start = ?")) {
            ps.setTimestamp(1, Timestamp.from(windowStart));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read sponsor budget", e);
        }
    }
}
