package io.mppgateway.ledger.ingest.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.mppgateway.ledger.common.jdbc.Jdbc;

/** Consumer idempotency and per-charge serialization, both inside the event's database transaction. */
@ApplicationScoped
public class ProcessedEventRepository {
    private final DataSource dataSource;

    public ProcessedEventRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records the event id. False when it was already there: a redelivery whose effect is already committed.
     * A concurrent duplicate blocks on the primary key until the first commits, then also sees false.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean markProcessed(String eventId, String topic) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO processed_events (event_id, topic) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING")) {
            ps.setString(1, eventId);
            ps.setString(2, topic);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw Jdbc.failure("recording event " + eventId, e);
        }
    }

    /**
     * Serializes all events of one charge across channels and replicas until commit. Without it a usage event
     * could see "no charge yet" while the settlement, not yet committed, sees "no pending usage", and neither
     * would book the delivery.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockChallenge(String challengeId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            ps.setString(1, challengeId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        } catch (SQLException e) {
            throw Jdbc.failure("locking challenge " + challengeId, e);
        }
    }
}
