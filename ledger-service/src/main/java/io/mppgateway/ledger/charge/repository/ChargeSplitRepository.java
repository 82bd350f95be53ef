package io.mppgateway.ledger.charge.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.common.db.LedgerTx;
import io.mppgateway.ledger.common.db.Sql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code charge_splits} table: the splits of each charge, in their position order. */
@ApplicationScoped
public class ChargeSplitRepository implements PanacheRepositoryBase<ChargeSplitEntity, ChargeSplitEntity.Key> {

    // ---- finance reads (Panache) ----

    public Uni<List<ChargeSplit>> findByChallengeId(String challengeId) {
        return findByChallengeIds(List.of(challengeId)).map(m -> m.getOrDefault(challengeId, List.of()));
    }

    /** Splits per challenge id, each list in position order; charges without splits are absent. */
    public Uni<Map<String, List<ChargeSplit>>> findByChallengeIds(Collection<String> challengeIds) {
        if (challengeIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return list("challengeId in ?1 order by challengeId, position", List.copyOf(challengeIds)).map(rows -> {
            Map<String, List<ChargeSplit>> out = new HashMap<>();
            rows.forEach(r -> out.computeIfAbsent(r.challengeId, k -> new ArrayList<>()).add(r.toDomain()));
            out.replaceAll((k, v) -> List.copyOf(v));
            return out;
        });
    }

    // ---- ingest (native SQL in the batch's transaction) ----

    /**
     * The splits of new charges, part of their settlement fact. No ON CONFLICT: the charge insert of the same
     * transaction already refuses a second settlement of the challenge.
     */
    public Uni<Void> insert(LedgerTx tx, Map<String, List<ChargeSplit>> splitsByChallenge) {
        record Line(String challengeId, ChargeSplit split) {
        }
        List<Line> lines = new ArrayList<>();
        splitsByChallenge.forEach((id, splits) -> splits.forEach(s -> lines.add(new Line(id, s))));
        if (lines.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.execute("""
                INSERT INTO charge_splits (challenge_id, position, recipient, amount, memo)
                SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[], $5::text[])""",
                Tuple.from(List.of(Sql.texts(lines, Line::challengeId), Sql.ints(lines, l -> l.split().position()),
                        Sql.texts(lines, l -> l.split().recipient()), Sql.longs(lines, l -> l.split().amount()),
                        Sql.texts(lines, l -> l.split().memo()))))
                .onFailure().transform(Sql.failure("inserting " + lines.size() + " charge splits"))
                .replaceWithVoid();
    }

    /** Splits per challenge id, each list in position order, read in the batch's transaction. */
    public Uni<Map<String, List<ChargeSplit>>> findByChallengeIds(LedgerTx tx, Collection<String> challengeIds) {
        if (challengeIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return tx.execute("""
                SELECT challenge_id, position, recipient, amount, memo FROM charge_splits
                WHERE challenge_id = ANY ($1::text[]) ORDER BY challenge_id, position""",
                Tuple.of(Sql.texts(challengeIds)))
                .map(rows -> {
                    Map<String, List<ChargeSplit>> out = new HashMap<>();
                    rows.forEach(r -> out.computeIfAbsent(r.getString("challenge_id"), k -> new ArrayList<>())
                            .add(new ChargeSplit(r.getInteger("position"), r.getString("recipient"),
                                    r.getLong("amount"), r.getString("memo"))));
                    out.replaceAll((k, v) -> List.copyOf(v));
                    return out;
                });
    }
}
