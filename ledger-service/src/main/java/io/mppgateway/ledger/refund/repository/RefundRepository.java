package io.mppgateway.ledger.refund.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.common.jdbc.Jdbc;
import io.mppgateway.ledger.refund.domain.Refund;

/** The {@code refunds} table. */
@ApplicationScoped
public class RefundRepository {
    private static final String COLUMNS =
            "event_id, challenge_id, charge_id, refund_tx_hash, payer, amount, reason, refunded_at, applied";

    private final DataSource dataSource;

    public RefundRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public boolean existsByRefundTxHash(String refundTxHash) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM refunds WHERE refund_tx_hash = ?")) {
            ps.setString(1, refundTxHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw Jdbc.failure("looking up refund " + refundTxHash, e);
        }
    }

    public void insert(Refund r) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO refunds (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.eventId());
            ps.setString(2, r.challengeId());
            ps.setString(3, r.chargeId());
            ps.setString(4, r.refundTxHash());
            ps.setString(5, r.payer());
            ps.setLong(6, r.amount());
            ps.setString(7, r.reason());
            ps.setObject(8, Jdbc.timestamp(r.refundedAt()));
            ps.setBoolean(9, r.applied());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("inserting refund " + r.eventId(), e);
        }
    }

    public void markApplied(String eventId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE refunds SET applied = true WHERE event_id = ?")) {
            ps.setString(1, eventId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("marking refund " + eventId + " applied", e);
        }
    }

    /** Refunds that arrived before their settlement, in the order they happened. */
    public List<Refund> findPending(String challengeId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                        + " FROM refunds WHERE challenge_id = ? AND NOT applied ORDER BY refunded_at, event_id")) {
            ps.setString(1, challengeId);
            List<Refund> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Refund(rs.getString("event_id"), rs.getString("challenge_id"),
                            rs.getString("charge_id"), rs.getString("refund_tx_hash"), rs.getString("payer"),
                            rs.getLong("amount"), rs.getString("reason"), Jdbc.instant(rs, "refunded_at"),
                            rs.getBoolean("applied")));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw Jdbc.failure("reading pending refunds of " + challengeId, e);
        }
    }
}
