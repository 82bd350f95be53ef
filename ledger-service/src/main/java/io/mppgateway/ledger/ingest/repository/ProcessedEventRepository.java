package io.mppgateway.ledger.ingest.repository;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.common.db.LedgerTx;
import io.mppgateway.ledger.common.db.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/** Consumer idempotency and per-charge serialization, both inside the batch's database transaction. */
@ApplicationScoped
public class ProcessedEventRepository {

    /** An event id and the topic it is booked from (the contract's topic name, not the physical one). */
    public record Processed(String eventId, String topic) {
    }

    /**
     * Records the event ids; returns those that were new. An id already there is a redelivery whose effect is
     * committed. A concurrent transaction inserting the same id blocks on the primary key until the first commits,
     * then also finds it there.
     */
    public Uni<Set<String>> markProcessed(LedgerTx tx, List<Processed> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return tx.execute("""
                INSERT INTO processed_events (event_id, topic) SELECT * FROM unnest($1::text[], $2::text[])
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id""",
                Tuple.of(Sql.texts(events, Processed::eventId), Sql.texts(events, Processed::topic)))
                .map(rows -> {
                    Set<String> fresh = new HashSet<>();
                    rows.forEach(r -> fresh.add(r.getString(0)));
                    return fresh;
                })
                .onFailure().transform(Sql.failure("recording " + events.size() + " event ids"));
    }

    /**
     * Serializes all events of the same charges across channels and replicas until commit. Without it a usage
     * event could see "no charge yet" while the settlement, not yet committed, sees "no pending usage", and neither
     * would book the delivery. The locks are taken in one statement in the order of their keys, so two batches
     * sharing charges wait for each other instead of deadlocking.
     */
    public Uni<Void> lockChallenges(LedgerTx tx, Collection<String> challengeIds) {
        if (challengeIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.execute("""
                SELECT pg_advisory_xact_lock(k) FROM (
                    SELECT DISTINCT hashtextextended(id, 0) AS k FROM unnest($1::text[]) AS id ORDER BY k OFFSET 0) s""",
                Tuple.of(Sql.texts(challengeIds)))
                .onFailure().transform(Sql.failure("locking " + challengeIds.size() + " challenges"))
                .replaceWithVoid();
    }
}
