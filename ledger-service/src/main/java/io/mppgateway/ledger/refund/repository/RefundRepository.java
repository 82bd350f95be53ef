package io.mppgateway.ledger.refund.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.common.db.LedgerTx;
import io.mppgateway.ledger.common.db.Sql;
import io.mppgateway.ledger.refund.domain.Refund;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code refunds} table. */
@ApplicationScoped
public class RefundRepository implements PanacheRepositoryBase<RefundEntity, String> {
    private static final String COLUMNS =
            "event_id, challenge_id, charge_id, refund_tx_hash, payer, amount, reason, refunded_at, applied";

    // ---- finance reads (Panache) ----

    /** The refunds of one charge, in the order they happened. */
    public Uni<List<Refund>> findByChallengeId(String challengeId) {
        return list("challengeId = ?1 order by refundedAt, eventId", challengeId)
                .map(rows -> rows.stream().map(RefundEntity::toDomain).toList());
    }

    // ---- ingest (native SQL in the batch's transaction) ----

    /** Which of these refund tx hashes the ledger already has. */
    public Uni<Set<String>> existingTxHashes(LedgerTx tx, Collection<String> refundTxHashes) {
        if (refundTxHashes.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return tx.execute("SELECT refund_tx_hash FROM refunds WHERE refund_tx_hash = ANY ($1::text[])",
                Tuple.of(Sql.texts(refundTxHashes)))
                .map(rows -> {
                    Set<String> out = new HashSet<>();
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    public Uni<Void> insert(LedgerTx tx, List<Refund> refunds) {
        if (refunds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.execute("INSERT INTO refunds (" + COLUMNS + ") SELECT * FROM unnest($1::text[], $2::text[], "
                + "$3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::timestamptz[], $9::boolean[])",
                Tuple.from(List.of(Sql.texts(refunds, Refund::eventId), Sql.texts(refunds, Refund::challengeId),
                        Sql.texts(refunds, Refund::chargeId), Sql.texts(refunds, Refund::refundTxHash),
                        Sql.texts(refunds, Refund::payer), Sql.longs(refunds, Refund::amount),
                        Sql.texts(refunds, Refund::reason), Sql.timestamps(refunds, Refund::refundedAt),
                        Sql.bools(refunds, Refund::applied))))
                .onFailure().transform(Sql.failure("inserting " + refunds.size() + " refunds"))
                .replaceWithVoid();
    }

    public Uni<Void> markApplied(LedgerTx tx, List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.execute("UPDATE refunds SET applied = true WHERE event_id = ANY ($1::text[])",
                Tuple.of(Sql.texts(eventIds)))
                .onFailure().transform(Sql.failure("marking refunds applied"))
                .replaceWithVoid();
    }

    /** Refunds that arrived before their settlement, by challenge id. */
    public Uni<Map<String, List<Refund>>> findPending(LedgerTx tx, Collection<String> challengeIds) {
        if (challengeIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return tx.execute("SELECT " + COLUMNS + " FROM refunds WHERE challenge_id = ANY ($1::text[]) AND NOT applied",
                Tuple.of(Sql.texts(challengeIds)))
                .map(rows -> {
                    Map<String, List<Refund>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString("challenge_id"), k -> new ArrayList<>())
                                .add(new Refund(r.getString("event_id"), r.getString("challenge_id"),
                                        r.getString("charge_id"), r.getString("refund_tx_hash"), r.getString("payer"),
                                        r.getLong("amount"), r.getString("reason"), Sql.instant(r, "refunded_at"),
                                        r.getBoolean("applied")));
                    }
                    return out;
                });
    }
}
