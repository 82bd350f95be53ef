package io.mppgateway.ledger.usage.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.ledger.common.jdbc.Jdbc;
import io.mppgateway.ledger.usage.domain.UsageRecord;

/** The {@code usage_records} table. */
@ApplicationScoped
public class UsageRepository {
    private static final String COLUMNS = """
            event_id, challenge_id, charge_id, provider, route, model, outcome, prompt_tokens, completion_tokens,
            total_tokens, reasoning_tokens, cached_tokens, units, upstream_status, latency_ms, upstream_cost_estimate,
            recorded_at, applied""";

    private final DataSource dataSource;

    public UsageRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void insert(UsageRecord u) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO usage_records (" + COLUMNS + ") "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, u.eventId());
            ps.setString(2, u.challengeId());
            ps.setString(3, u.chargeId());
            ps.setString(4, u.provider());
            ps.setString(5, u.route());
            ps.setString(6, u.model());
            ps.setString(7, u.outcome().name());
            ps.setLong(8, u.promptTokens());
            ps.setLong(9, u.completionTokens());
            ps.setLong(10, u.totalTokens());
            ps.setLong(11, u.reasoningTokens());
            ps.setLong(12, u.cachedTokens());
            ps.setLong(13, u.units());
            ps.setInt(14, u.upstreamStatus());
            ps.setLong(15, u.latencyMs());
            ps.setLong(16, u.upstreamCostEstimate());
            ps.setObject(17, Jdbc.timestamp(u.recordedAt()));
            ps.setBoolean(18, u.applied());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("inserting usage " + u.eventId(), e);
        }
    }

    public void markApplied(String eventId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE usage_records SET applied = true WHERE event_id = ?")) {
            ps.setString(1, eventId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("marking usage " + eventId + " applied", e);
        }
    }

    /** Usage that arrived before its settlement, in the order it happened. */
    public List<UsageRecord> findPending(String challengeId) {
        return find("SELECT " + COLUMNS + " FROM usage_records WHERE challenge_id = ? AND NOT applied"
                + " ORDER BY recorded_at, event_id", challengeId);
    }

    public List<UsageRecord> findByChallengeId(String challengeId) {
        return find("SELECT " + COLUMNS + " FROM usage_records WHERE challenge_id = ? ORDER BY recorded_at, event_id",
                challengeId);
    }

    private List<UsageRecord> find(String sql, String challengeId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, challengeId);
            List<UsageRecord> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new UsageRecord(
                            rs.getString("event_id"),
                            rs.getString("challenge_id"),
                            rs.getString("charge_id"),
                            rs.getString("provider"),
                            rs.getString("route"),
                            rs.getString("model"),
                            UsageOutcome.valueOf(rs.getString("outcome")),
                            rs.getLong("prompt_tokens"),
                            rs.getLong("completion_tokens"),
                            rs.getLong("total_tokens"),
                            rs.getLong("reasoning_tokens"),
                            rs.getLong("cached_tokens"),
                            rs.getLong("units"),
                            rs.getInt("upstream_status"),
                            rs.getLong("latency_ms"),
                            rs.getLong("upstream_cost_estimate"),
                            Jdbc.instant(rs, "recorded_at"),
                            rs.getBoolean("applied")));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw Jdbc.failure("reading usage of " + challengeId, e);
        }
    }
}
