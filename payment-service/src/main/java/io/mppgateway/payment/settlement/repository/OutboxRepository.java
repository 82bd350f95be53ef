package io.mppgateway.payment.settlement.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Events waiting to be relayed to Kafka, each with the trace context of the request that wrote it (the relay
 * publishes it in that trace).
 */
@ApplicationScoped
public class OutboxRepository {
    private final DataSource dataSource;

    public OutboxRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @param traceContext the writer's W3C trace context headers (empty when it had none) */
    public record OutboxEvent(long id, UUID eventId, String topic, String key, String payload,
            Map<String, String> traceContext) {

        public OutboxEvent(long id, UUID eventId, String topic, String key, String payload) {
            this(id, eventId, topic, key, payload, Map.of());
        }

        /** The writer's trace context, to publish the event in its trace; the root context when there is none. */
        public Context restoredTraceContext() {
            return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceContext, HEADERS);
        }
    }

    private static final TextMapGetter<Map<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /** Adds an event; the current trace context (if any) is stored with it. */
    public void add(UUID eventId, String topic, String key, String payload) {
        String sql = "INSERT INTO outbox (event_id, topic, message_key, payload, trace_context) VALUES (?, ?, ?, ?, ?)";
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setObject(1, eventId);
            ps.setString(2, topic);
            ps.setString(3, key);
            ps.setString(4, payload);
            ps.setString(5, currentTraceContext());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write outbox event", e);
        }
    }

    /** Locks the oldest unpublished events; other relays (replicas) skip them. Call inside a transaction. */
    public List<OutboxEvent> lockUnpublished(int limit) {
        String sql = """
                SELECT id, event_id, topic, message_key, payload, trace_context FROM outbox
                WHERE published_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""";
        List<OutboxEvent> events = new ArrayList<>();
        try (Connection con = dataSource.getConnection(); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new OutboxEvent(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3),
                            rs.getString(4), rs.getString(5), parseTraceContext(rs.getString(6))));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the outbox", e);
        }
    }

    /** traceparent[ + newline + tracestate] of the current span; null without one (tracing off, no trace). */
    static String currentTraceContext() {
        Map<String, String> headers = new LinkedHashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, Map::put);
        String traceparent = headers.get("traceparent");
        if (traceparent == null) {
            return null;
        }
        String tracestate = headers.get("tracestate");
        return tracestate == null || tracestate.isEmpty() ? traceparent : traceparent + "\n" + tracestate;
    }

    static Map<String, String> parseTraceContext(String stored) {
        if (stored == null || stored.isBlank()) {
            return Map.of();
        }
        String[] lines = stored.split("\n", 2);
        return lines.length == 2 ? Map.of("traceparent", lines[0], "tracestate", lines[1])
                : Map.of("traceparent", lines[0]);
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
