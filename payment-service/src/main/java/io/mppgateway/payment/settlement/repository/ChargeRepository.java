package io.mppgateway.payment.settlement.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/** Charges, claimed once by their unique challenge id and transaction hash. */
@ApplicationScoped
public class ChargeRepository {
    private final DataSource dataSource;

    public ChargeRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Inserts the charge unless its challenge or transaction already paid for something. Call inside a transaction. */
    public boolean claim(Charge c) {
        String sql = """
                INSERT INTO charges (charge_id, challenge_id, tx_hash, provider, route, realm, amount, currency,
                    chain_id, payer, recipient, source, mode, digest, settled_at, challenge_expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""";
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setObject(1, c.chargeId());
            ps.setString(2, c.challengeId());
            ps.setString(3, c.txHash());
            ps.setString(4, c.provider());
            ps.setString(5, c.route());
            ps.setString(6, c.realm());
            ps.setLong(7, c.amount());
            ps.setString(8, c.currency());
            ps.setLong(9, c.chainId());
            ps.setString(10, c.payer());
            ps.setString(11, c.recipient());
            ps.setString(12, c.source());
            ps.setString(13, c.mode());
            ps.setString(14, c.digest());
            ps.setTimestamp(15, Timestamp.from(c.settledAt()));
            ps.setTimestamp(16, c.challengeExpiresAt() == null ? null : Timestamp.from(c.challengeExpiresAt()));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not record charge " + c.challengeId(), e);
        }
    }

    /** True when this challenge or this transaction has already paid for a call. */
    public boolean isClaimed(String challengeId, String txHash) {
        String sql = "SELECT 1 FROM charges WHERE challenge_id = ? OR tx_hash = ?";
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, challengeId);
            ps.setString(2, txHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not look up claims", e);
        }
    }
}
