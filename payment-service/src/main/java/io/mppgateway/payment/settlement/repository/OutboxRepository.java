package io.mppgateway.payment.settlement.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/** Events waiting to be relayed to Kafka. */
@ApplicationScoped
public class OutboxRepository {
    private final DataSource dataSource;

    public OutboxRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public record OutboxEvent(long id, UUID eventId, String topic, String key, String payload) {
    }

    public void add(UUID eventId, String topic, String key, String payload) {
        String sql = "INSERT INTO outbox (event_id, topic, message_key, payload) VALUES (?, ?, ?, ?)";
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setObject(1, eventId);
            ps.setString(2, topic);
            ps.setString(3, key);
            ps.setString(4, payload);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write outbox event", e);
        }
    }

    /** Locks the oldest unpublished events; other relays (replicas) skip them. Call inside a transaction. */
    public List<OutboxEvent> lockUnpublished(int limit) {
        String sql = """
                SELECT id, event_id, topic, message_key, payload FROM outbox
                WHERE published_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""";
        List<OutboxEvent> events = new ArrayList<>();
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new OutboxEvent(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the outbox", e);
        }
    }

    public void markPublished(long id) {
        try (Connection con = dataSource.getConnection();
                PreparedStatement ps = con.prepareStatement("UPDATE outbox SET published_at = now() WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not mark outbox event " + id, e);
        }
    }
}
