package io.mppgateway.ledger.charge.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.common.jdbc.Jdbc;

/** The {@code charge_splits} table: the splits of each charge, in their position order. */
@ApplicationScoped
public class ChargeSplitRepository {
    private final DataSource dataSource;

    public ChargeSplitRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * MANDATORY: the splits are part of the settlement fact and are written with its charge and postings. No
     * ON CONFLICT: the charge insert before it already refuses a second settlement of the challenge.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void insert(String challengeId, List<ChargeSplit> splits) {
        if (splits.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO charge_splits (challenge_id, position, recipient, amount, memo) VALUES (?, ?, ?, ?, ?)")) {
            for (ChargeSplit s : splits) {
                ps.setString(1, challengeId);
                ps.setInt(2, s.position());
                ps.setString(3, s.recipient());
                ps.setLong(4, s.amount());
                ps.setString(5, s.memo());
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw Jdbc.failure("inserting the splits of charge " + challengeId, e);
        }
    }

    public List<ChargeSplit> findByChallengeId(String challengeId) {
        return findByChallengeIds(List.of(challengeId)).getOrDefault(challengeId, List.of());
    }

    /** Splits per challenge id, each list in position order; charges without splits are absent. */
    public Map<String, List<ChargeSplit>> findByChallengeIds(Collection<String> challengeIds) {
        Map<String, List<ChargeSplit>> out = new HashMap<>();
        if (challengeIds.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        SELECT challenge_id, position, recipient, amount, memo FROM charge_splits
                        WHERE challenge_id = ANY (?) ORDER BY challenge_id, position""")) {
            ps.setArray(1, c.createArrayOf("text", challengeIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString("challenge_id"), k -> new ArrayList<>())
                            .add(new ChargeSplit(rs.getInt("position"), rs.getString("recipient"), rs.getLong("amount"),
                                    rs.getString("memo")));
                }
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading charge splits", e);
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return out;
    }
}
