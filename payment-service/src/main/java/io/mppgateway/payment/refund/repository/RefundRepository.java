package io.mppgateway.payment.refund.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/** Refunds; the primary key (the charge) makes it at most one per charge, whatever the number of replicas. */
@ApplicationScoped
public class RefundRepository {
    private final DataSource dataSource;

    public RefundRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public record Refund(UUID chargeId, String payer, long amount, String status, String txHash,
            String rawTransaction, String reason) {
    }

    /** Records the signed refund before it is broadcast. @return false when this charge already has a refund */
    public boolean insertSending(Refund r) {
        String sql = """
                INSERT INTO refunds (charge_id, payer, amount, status, tx_hash, raw_transaction, reason)
                VALUES (?, ?, ?, 'sending', ?, ?, ?) ON CONFLICT (charge_id) DO NOTHING""";
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setObject(1, r.chargeId());
            ps.setString(2, r.payer());
            ps.setLong(3, r.amount());
            ps.setString(4, r.txHash());
            ps.setString(5, r.rawTransaction());
            ps.setString(6, r.reason());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not record refund of " + r.chargeId(), e);
        }
    }

    public Optional<Refund> find(UUID chargeId) {
        String sql = "SELECT charge_id, payer, amount, status, tx_hash, raw_transaction, reason FROM refunds"
                + " WHERE charge_id = ?";
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setObject(1, chargeId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Refund(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read refund of " + chargeId, e);
        }
    }

    /** sending → sent|failed. Call inside a transaction. */
    public boolean finish(UUID chargeId, String status, String txHash) {
        String sql = "UPDATE refunds SET status = ?, tx_hash = ?, sent_at = now() WHERE charge_id = ?"
                + " AND status = 'sending'";
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, status);
            ps.setString(2, txHash);
            ps.setObject(3, chargeId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not update refund of " + chargeId, e);
        }
    }

    /** Refunds whose inclusion was never confirmed (broadcast timed out, or the replica stopped). */
    public List<UUID> sending(int limit) {
        String sql = "SELECT charge_id FROM refunds WHERE status = 'sending' ORDER BY created_at LIMIT ?";
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setInt(1, limit);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list refunds", e);
        }
    }
}
