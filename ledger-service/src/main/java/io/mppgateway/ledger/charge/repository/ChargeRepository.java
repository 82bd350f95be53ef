package io.mppgateway.ledger.charge.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeFilter;
import io.mppgateway.ledger.charge.domain.ChargeStatus;
import io.mppgateway.ledger.common.jdbc.Jdbc;

/** The {@code charges} table. Joins the caller's JTA transaction when there is one. */
@ApplicationScoped
public class ChargeRepository {
    private static final String COLUMNS = """
            challenge_id, charge_id, provider, route, realm, model, amount, currency, chain_id, tx_hash, payer,
            recipient, mode, digest, status, settled_at, updated_at""";

    private final DataSource dataSource;

    public ChargeRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void insert(Charge charge) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO charges (" + COLUMNS + ") "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())")) {
            ps.setString(1, charge.challengeId());
            ps.setString(2, charge.chargeId());
            ps.setString(3, charge.provider());
            ps.setString(4, charge.route());
            ps.setString(5, charge.realm());
            ps.setString(6, charge.model());
            ps.setLong(7, charge.amount());
            ps.setString(8, charge.currency());
            ps.setLong(9, charge.chainId());
            ps.setString(10, charge.txHash());
            ps.setString(11, charge.payer());
            ps.setString(12, charge.recipient());
            ps.setString(13, charge.mode());
            ps.setString(14, charge.digest());
            ps.setString(15, charge.status().dbValue());
            ps.setObject(16, Jdbc.timestamp(charge.settledAt()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("inserting charge " + charge.challengeId(), e);
        }
    }

    public Optional<Charge> findByChallengeId(String challengeId) {
        return findOne("SELECT " + COLUMNS + " FROM charges WHERE challenge_id = ?", challengeId);
    }

    /** Finance staff may hold either id: the challenge id (MPP) or the charge id (payment-service). */
    public Optional<Charge> findByChallengeIdOrChargeId(String id) {
        return findOne("SELECT " + COLUMNS + " FROM charges WHERE challenge_id = ? OR charge_id = ? LIMIT 1", id, id);
    }

    /** A charge of another challenge that already holds this charge id or tx hash (a double claim). */
    public Optional<Charge> findOtherClaiming(String challengeId, String chargeId, String txHash) {
        return findOne("SELECT " + COLUMNS + " FROM charges WHERE challenge_id <> ? AND (charge_id = ? OR tx_hash = ?)"
                + " LIMIT 1", challengeId, chargeId, txHash);
    }

    public void updateStatusAndModel(String challengeId, ChargeStatus status, String model) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE charges SET status = ?, model = ?, updated_at = now() WHERE challenge_id = ?")) {
            ps.setString(1, status.dbValue());
            ps.setString(2, model);
            ps.setString(3, challengeId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("updating charge " + challengeId, e);
        }
    }

    /** One page in (settled_at desc, challenge_id desc) order; fetches at most {@code limit} rows. */
    public List<Charge> list(ChargeFilter filter, int limit) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM charges WHERE true");
        List<Object> params = new ArrayList<>();
        equal(sql, params, "provider", filter.provider());
        equal(sql, params, "route", filter.route());
        equal(sql, params, "model", filter.model());
        equal(sql, params, "payer", filter.payer());
        equal(sql, params, "status", filter.status() == null ? null : filter.status().dbValue());
        if (filter.from() != null) {
            sql.append(" AND settled_at >= ?");
            params.add(Jdbc.timestamp(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" AND settled_at < ?");
            params.add(Jdbc.timestamp(filter.to()));
        }
        if (filter.after() != null) {
            // row comparison: strictly after the last row of the previous page, ties broken by challenge id
            sql.append(" AND (settled_at, challenge_id) < (?, ?)");
            params.add(Jdbc.timestamp(filter.after().settledAt()));
            params.add(filter.after().challengeId());
        }
        sql.append(" ORDER BY settled_at DESC, challenge_id DESC LIMIT ?");
        params.add(limit);
        return findMany(sql.toString(), params.toArray());
    }

    private static void equal(StringBuilder sql, List<Object> params, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            params.add(value);
        }
    }

    /** The charges among these tx hashes (reconciliation: which chain transfers the ledger knows). */
    public List<Charge> findByTxHashes(java.util.Collection<String> txHashes) {
        if (txHashes.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM charges WHERE tx_hash = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", txHashes.toArray()));
            List<Charge> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(map(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw Jdbc.failure("reading charges by tx hash", e);
        }
    }

    /** Charges settled in [from, to), oldest first, at most {@code limit}; optionally of one recipient. */
    public List<Charge> settledBetween(Instant from, Instant to, String recipient, int limit) {
        return findMany("SELECT " + COLUMNS + " FROM charges WHERE settled_at >= ? AND settled_at < ?"
                + (recipient == null ? " AND ?::text IS NULL" : " AND lower(recipient) = lower(?)")
                + " ORDER BY settled_at, challenge_id LIMIT ?",
                Jdbc.timestamp(from), Jdbc.timestamp(to), recipient, limit);
    }

    private Optional<Charge> findOne(String sql, Object... params) {
        List<Charge> rows = findMany(sql, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private List<Charge> findMany(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Charge> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(map(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw Jdbc.failure("reading charges", e);
        }
    }

    private static Charge map(ResultSet rs) throws SQLException {
        return new Charge(
                rs.getString("challenge_id"),
                rs.getString("charge_id"),
                rs.getString("provider"),
                rs.getString("route"),
                rs.getString("realm"),
                rs.getString("model"),
                rs.getLong("amount"),
                rs.getString("currency"),
                rs.getLong("chain_id"),
                rs.getString("tx_hash"),
                rs.getString("payer"),
                rs.getString("recipient"),
                rs.getString("mode"),
                rs.getString("digest"),
                ChargeStatus.fromDb(rs.getString("status")),
                Jdbc.instant(rs, "settled_at"),
                Jdbc.instant(rs, "updated_at"));
    }
}
