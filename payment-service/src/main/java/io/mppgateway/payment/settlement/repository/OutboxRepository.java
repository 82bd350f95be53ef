package io.mppgateway.payment.settlement.repository;

import static io.mppgateway.payment.common.db.Sql.failure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.mppgateway.payment.common.db.Sql;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Events waiting to be relayed to Kafka, each with the trace context of the request that wrote it (the relay
 * publishes it in that trace).
 */
@ApplicationScoped
public class OutboxRepository {
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

    /**
     * Adds an event, in the transaction of the change it announces; the current trace context (if any) is stored with
     * it.
     */
    public Uni<Void> add(SqlClient sql, UUID eventId, String topic, String key, String payload) {
        return insert(sql, eventId, topic, key, payload).replaceWithVoid();
    }

    /** {@link #add}, answering the new row's id (its writer can then publish exactly that row, see {@link #lock}). */
    public Uni<Long> insert(SqlClient sql, UUID eventId, String topic, String key, String payload) {
        return sql.preparedQuery("INSERT INTO outbox (event_id, topic, message_key, payload, trace_context)"
                + " VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .execute(Tuple.of(eventId, topic, key, payload, currentTraceContext()))
                .map(rows -> rows.iterator().next().getLong(0))
                .onFailure().transform(failure("could not write outbox event"));
    }

    /**
     * How long a row written {@link NewEvent#leasedToWriter() leased to its writer} is left to the writer's own
     * publication: longer than that publication can take (OutboxRelay waits up to 20 s for the broker, the producer
     * gives up after 10 s), so relay rounds never send it while the writer may still do so.
     */
    static final String PUBLISH_LEASE = "60 seconds";

    /**
     * An event to write in the same statement as the change it announces (see {@link #insertFor}).
     *
     * @param traceContext the writer's trace context (see {@link #currentTraceContext()}), null without one
     * @param leasedToWriter written leased to the writer, which publishes it at once; relay rounds take it only if the
     *        lease ends before it is marked published
     */
    public record NewEvent(UUID eventId, String topic, String key, String payload, String traceContext,
            boolean leasedToWriter) {

        /** An event in the current trace. */
        public static NewEvent of(UUID eventId, String topic, String key, String payload, boolean leasedToWriter) {
            return new NewEvent(eventId, topic, key, payload, currentTraceContext(), leasedToWriter);
        }

        /** This event as its row {@code id} holds it, to publish it without reading the row back. */
        public WrittenEvent written(long id) {
            return new WrittenEvent(new OutboxEvent(id, eventId, topic, key, payload, parseTraceContext(traceContext)),
                    leasedToWriter);
        }
    }

    /** A committed event row; the writer publishes it itself when it is leased to it, else the relay rounds do. */
    public record WrittenEvent(OutboxEvent row, boolean leasedToWriter) {
    }

    /**
     * The tail of a statement that writes {@code event} only if the change named {@code change} (a data-modifying
     * CTE of the same statement) touched a row: one round trip, both or neither, no transaction around it. Its
     * parameters start at {@code $first} and are added to {@code params}; the statement answers the new row's id.
     */
    static String insertFor(String change, int first, NewEvent event, Tuple params) {
        params.addValue(event.eventId()).addValue(event.topic()).addValue(event.key()).addValue(event.payload())
                .addValue(event.traceContext()).addValue(event.leasedToWriter());
        // typed: parameters in a select list have no column to take their type from
        return "INSERT INTO outbox (event_id, topic, message_key, payload, trace_context, publish_lease_until) SELECT $"
                + first + "::uuid, $" + (first + 1) + "::text, $" + (first + 2) + "::text, $" + (first + 3)
                + "::text, $" + (first + 4) + "::text, CASE WHEN $" + (first + 5) + "::boolean THEN now() + interval '"
                + PUBLISH_LEASE + "' END FROM " + change + " RETURNING id";
    }

    /** The id a statement built with {@link #insertFor} answered; empty when the change touched nothing. */
    static Optional<Long> insertedId(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(it.next().getLong(0)) : Optional.empty();
    }

    /**
     * Locks the oldest unpublished events that no writer is publishing (no lease, or an ended one); other relays
     * (replicas) skip them. In a transaction.
     */
    public Uni<List<OutboxEvent>> lockUnpublished(SqlClient sql, int limit) {
        String select = """
                SELECT id, event_id, topic, message_key, payload, trace_context FROM outbox
                WHERE published_at IS NULL AND (publish_lease_until IS NULL OR publish_lease_until < now())
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""";
        return sql.preparedQuery(select).execute(Tuple.of((long) limit)).map(OutboxRepository::events)
                .onFailure().transform(failure("could not read the outbox"));
    }

    private static List<OutboxEvent> events(RowSet<Row> rows) {
        return Sql.rows(rows, row -> new OutboxEvent(row.getLong(0), row.getUUID(1), row.getString(2),
                row.getString(3), row.getString(4), parseTraceContext(row.getString(5))));
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

    /** In the transaction that locked them, or (a writer's own publication) on its own. */
    public Uni<Void> markPublished(SqlClient sql, List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sql.preparedQuery("UPDATE outbox SET published_at = now() WHERE id = ANY($1)")
                .execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new)))
                .replaceWithVoid().onFailure().transform(failure("could not mark outbox events " + ids));
    }

    /** A writer could not publish its leased event: the relay rounds take it from now on. */
    public Uni<Void> endLease(SqlClient sql, long id) {
        return sql.preparedQuery("UPDATE outbox SET publish_lease_until = NULL WHERE id = $1 AND published_at IS NULL")
                .execute(Tuple.of(id))
                .replaceWithVoid()
                .onFailure().transform(failure("could not end the publish lease of outbox event " + id));
    }
}
