package io.mppgateway.payment.settlement.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.PaymentSplit;

import jakarta.enterprise.context.ApplicationScoped;

/** Charges, claimed once by their unique challenge id, credential reference and transaction hash. */
@ApplicationScoped
public class ChargeRepository {
    /** The outcome of a charge presumed undelivered because its provider never reported within the lease. */
    public static final String LEASE_EXPIRED = "DELIVERY_LEASE_EXPIRED";
    /** Outcome of a pull claim the reconciler found paid on chain with no request left to deliver for it. */
    public static final String NOT_RELEASED = "NOT_RELEASED";
    /** Outcome of a failed pull claim whose transaction was included but did not pay the charge. */
    public static final String DID_NOT_PAY = "DID_NOT_PAY";
    /** Outcome of a failed pull claim whose transaction was never included and no longer can be (validBefore). */
    public static final String NEVER_INCLUDED = "NEVER_INCLUDED";

    private static final String COLUMNS = """
            charge_id, challenge_id, tx_hash, provider, route, realm, amount, currency, chain_id, payer, recipient,
            source, mode, digest, settled_at, challenge_expires_at, credential_ref, status, raw_transaction,
            route_memo, splits""";
    private static final TypeReference<List<PaymentSplit>> SPLITS = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    public ChargeRepository(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    /** Inserts the charge unless its challenge or transaction already paid for something. Call inside a transaction. */
    public boolean claim(Charge c) {
        String sql = "INSERT INTO charges (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
                + " ON CONFLICT DO NOTHING";
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
            ps.setString(17, c.credentialRef());
            ps.setString(18, c.status());
            ps.setString(19, c.rawTransaction());
            ps.setString(20, c.routeMemo());
            ps.setString(21, mapper.writeValueAsString(c.splits()));
            return ps.executeUpdate() == 1;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("could not record charge " + c.challengeId(), e);
        }
    }

    public Optional<Charge> findByChallenge(String challengeId) {
        return one("SELECT " + COLUMNS + " FROM charges WHERE challenge_id = ?", challengeId);
    }

    public Optional<Charge> findById(UUID chargeId) {
        return one("SELECT " + COLUMNS + " FROM charges WHERE charge_id = ?", chargeId);
    }

    /** The charge that already used this transaction (by the credential's reference or the node's hash). */
    public Optional<Charge> findByTransaction(String ref) {
        return one("SELECT " + COLUMNS + " FROM charges WHERE credential_ref = ? OR tx_hash = ? LIMIT 1", ref, ref);
    }

    /** pending → settled with the node's hash and the paying address. Call inside a transaction. */
    public boolean completePending(UUID chargeId, String txHash, String payer, Instant settledAt) {
        return update("UPDATE charges SET status = 'settled', tx_hash = ?, payer = ?, settled_at = ?"
                + " WHERE charge_id = ? AND status = 'pending'", txHash, payer, Timestamp.from(settledAt), chargeId) == 1;
    }

    /** Takes (or renews) the right to broadcast a pending pull transaction; false while another replica holds it. */
    public boolean takeBroadcastLease(UUID chargeId, java.time.Duration lease) {
        return update("UPDATE charges SET broadcast_lease_until = now() + make_interval(secs => ?)"
                + " WHERE charge_id = ? AND status = 'pending'"
                + " AND (broadcast_lease_until IS NULL OR broadcast_lease_until < now())",
                (double) lease.toMillis() / 1000, chargeId) == 1;
    }

    /**
     * A pull transaction the node refused once, with no receipt: the claim stays (the transaction can't pay twice)
     * and settles nothing for now; the outcome stays unset because it may still land (the reconciler decides).
     */
    public void markFailed(UUID chargeId) {
        update("UPDATE charges SET status = 'failed' WHERE charge_id = ? AND status = 'pending'", chargeId);
    }

    /**
     * Pull claims whose chain outcome is not final yet: pending and not being broadcast by a request (claimed at
     * least {@code minAge} ago), or failed by one refusal of the node (outcome not set: the transaction may still
     * land). Oldest first.
     */
    public List<Charge> unresolvedPullClaims(java.time.Duration minAge, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM charges WHERE mode = 'pull' AND ("
                + " (status = 'pending' AND settled_at < now() - make_interval(secs => ?)"
                + "  AND (broadcast_lease_until IS NULL OR broadcast_lease_until < now()))"
                + " OR (status = 'failed' AND outcome IS NULL)) ORDER BY settled_at LIMIT ?";
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setDouble(1, minAge.toMillis() / 1000.0);
            ps.setInt(2, limit);
            List<Charge> claims = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claims.add(map(rs));
                }
            }
            return claims;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list unresolved pull claims", e);
        }
    }

    /**
     * pending|failed (not final) → unfulfilled with outcome {@value #NOT_RELEASED}: the claimed transaction paid on
     * chain, but no request was left to deliver for it, so the buyer's re-presented credential redeems it (or it is
     * refunded after the grace period). Call inside a transaction.
     */
    public boolean settleUnreleased(UUID chargeId, String txHash, String payer, Instant settledAt) {
        return update("UPDATE charges SET status = 'unfulfilled', outcome = '" + NOT_RELEASED + "', outcome_at = now(),"
                + " tx_hash = ?, payer = ?, settled_at = ? WHERE charge_id = ?"
                + " AND (status = 'pending' OR (status = 'failed' AND outcome IS NULL))",
                txHash, payer, Timestamp.from(settledAt), chargeId) == 1;
    }

    /**
     * pending|failed → failed for good: the chain shows the transaction did not pay ({@value #DID_NOT_PAY}), or it
     * can no longer be included ({@value #NEVER_INCLUDED}). The reconciler no longer looks at it.
     */
    public boolean failForGood(UUID chargeId, String why) {
        return update("UPDATE charges SET status = 'failed', outcome = ? WHERE charge_id = ?"
                + " AND (status = 'pending' OR (status = 'failed' AND outcome IS NULL))", why, chargeId) == 1;
    }

    /**
     * unfulfilled → redeeming, for exactly one of any number of concurrent re-presentations, and only once in the
     * charge's life (redeemed_at): a redemption that failed again is refunded, not redeemed again. Excludes a refund:
     * both claim the unfulfilled row, whichever commits first wins.
     */
    public boolean startRedemption(UUID chargeId) {
        return update("UPDATE charges SET status = 'redeeming', redeemed_at = now()"
                + " WHERE charge_id = ? AND status = 'unfulfilled' AND redeemed_at IS NULL", chargeId) == 1;
    }

    /** unfulfilled → refunding: a refund claims the charge; excludes a redemption. Call inside a transaction. */
    public boolean claimRefund(UUID chargeId) {
        return update("UPDATE charges SET status = 'refunding' WHERE charge_id = ? AND status = 'unfulfilled'",
                chargeId) == 1;
    }

    /** refunding → unfulfilled: the chain refused the refund transaction, nothing was paid back. */
    public boolean releaseRefund(UUID chargeId) {
        return update("UPDATE charges SET status = 'unfulfilled' WHERE charge_id = ? AND status = 'refunding'",
                chargeId) == 1;
    }

    /**
     * settled|redeeming → fulfilled|unfulfilled; a repeated report of the same result changes nothing. A report that
     * arrives after the delivery lease expired still counts (the provider's word beats the presumption), as long as
     * the charge was neither redeemed nor refunded since.
     */
    public boolean recordOutcome(UUID chargeId, String newStatus, String outcome) {
        return update("UPDATE charges SET status = ?, outcome = ?, outcome_at = now()"
                + " WHERE charge_id = ? AND (status IN ('settled', 'redeeming')"
                + " OR (status = 'unfulfilled' AND outcome = '" + LEASE_EXPIRED + "'))",
                newStatus, outcome, chargeId) == 1;
    }

    /**
     * settled|redeeming for longer than the delivery lease → unfulfilled (outcome {@value #LEASE_EXPIRED}): the
     * provider that held the charge died without reporting. The buyer may redeem it, or it is refunded after the
     * grace period. SKIP LOCKED: replicas sweep side by side without waiting on each other.
     *
     * @return the challenge ids swept
     */
    public List<String> expireDeliveryLeases(Duration lease, int limit) {
        String sql = """
                UPDATE charges SET status = 'unfulfilled', outcome = '%s', outcome_at = now()
                WHERE charge_id IN (SELECT charge_id FROM charges
                    WHERE status IN ('settled', 'redeeming') AND released_at < now() - make_interval(secs => ?)
                    ORDER BY released_at LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING challenge_id""".formatted(LEASE_EXPIRED);
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setDouble(1, lease.toMillis() / 1000.0);
            ps.setInt(2, limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("could not expire delivery leases", e);
        }
    }

    /** refunding → refunded, once the refund is confirmed on chain. Call inside a transaction. */
    public boolean markRefunded(UUID chargeId) {
        return update("UPDATE charges SET status = 'refunded' WHERE charge_id = ? AND status = 'refunding'",
                chargeId) == 1;
    }

    /** Charges left unfulfilled since before {@code before}, with no refund yet. */
    public List<UUID> unfulfilledSince(Instant before, int limit) {
        String sql = """
                SELECT c.charge_id FROM charges c LEFT JOIN refunds r ON r.charge_id = c.charge_id
                WHERE c.status = 'unfulfilled' AND c.outcome_at < ? AND r.charge_id IS NULL
                ORDER BY c.outcome_at LIMIT ?""";
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(before));
            ps.setInt(2, limit);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("could not list unfulfilled charges", e);
        }
    }

    private Optional<Charge> one(String sql, Object... params) {
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read charges", e);
        }
    }

    private int update(String sql, Object... params) {
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update charges", e);
        }
    }

    private Charge map(ResultSet rs) throws SQLException {
        Timestamp expires = rs.getTimestamp(16);
        return new Charge(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getLong(7), rs.getString(8), rs.getLong(9), rs.getString(10),
                rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14),
                rs.getTimestamp(15).toInstant(), expires == null ? null : expires.toInstant(), rs.getString(17),
                rs.getString(18), rs.getString(19), rs.getString(20), splits(rs.getString(21)));
    }

    private List<PaymentSplit> splits(String json) {
        try {
            return mapper.readValue(json, SPLITS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("charges.splits is not a list of splits: " + json, e);
        }
    }
}
