package io.mppgateway.ledger.ingest.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.common.jdbc.Jdbc;
import io.mppgateway.ledger.ingest.service.EventOrigin;

/** Events that can never be booked, kept verbatim for an operator. */
@ApplicationScoped
public class RejectedEventRepository {
    private final DataSource dataSource;

    public RejectedEventRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Idempotent per Kafka position, so a redelivered bad record is kept once. */
    public void record(EventOrigin origin, String reason) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO rejected_events (topic, kafka_partition, kafka_offset, message_key, payload, reason)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            ps.setString(1, origin.topic());
            ps.setInt(2, origin.partition());
            ps.setLong(3, origin.offset());
            ps.setString(4, text(origin.key()));
            ps.setString(5, text(origin.payload()));
            ps.setString(6, text(reason));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failure("recording rejected event at " + origin.topic() + "/" + origin.partition() + "@"
                    + origin.offset(), e);
        }
    }

    /** PostgreSQL text cannot hold NUL; a hostile payload must not make the rejection itself fail. */
    private static String text(String value) {
        return value == null ? null : value.replace("\u0000", "\\u0000");
    }
}
