package io.mppgateway.ledger.charge.repository;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeFilter;
import io.mppgateway.ledger.charge.domain.ChargeStatus;
import io.mppgateway.ledger.common.db.LedgerTx;
import io.mppgateway.ledger.common.db.Sql;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code charges} table: finance reads through Hibernate Reactive Panache (they need a session: the resources
 * are {@code @WithSession}), and the ingest's set-based writes and reads in its own transaction ({@link LedgerTx}).
 */
@ApplicationScoped
public class ChargeRepository implements PanacheRepositoryBase<ChargeEntity, String> {
    private static final String COLUMNS = """
            challenge_id, charge_id, provider, route, realm, model, amount, currency, chain_id, tx_hash, payer,
            recipient, mode, digest, status, settled_at, updated_at, upstream_cost, quoted_upstream_cost""";

    // ---- finance reads (Panache) ----

    /** Finance staff may hold either id: the challenge id (MPP) or the charge id (payment-service). */
    public Uni<Optional<Charge>> findByChallengeIdOrChargeId(String id) {
        return find("challengeId = ?1 or chargeId = ?1", id).firstResult()
                .map(e -> Optional.ofNullable(e).map(ChargeEntity::toDomain));
    }

    /** One page in (settled_at desc, challenge_id desc) order; fetches at most {@code limit} rows. */
    public Uni<List<Charge>> list(ChargeFilter filter, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        equal(query, params, "provider", filter.provider());
        equal(query, params, "route", filter.route());
        equal(query, params, "model", filter.model());
        equal(query, params, "payer", filter.payer());
        equal(query, params, "status", filter.status() == null ? null : filter.status().dbValue());
        if (filter.costOverPrice()) {
            // the predicate of the partial index charges_cost_over_price_idx, so the page is a scan of that index
            query.append(" and upstreamCost > amount");
        }
        if (filter.from() != null) {
            query.append(" and settledAt >= :from");
            params.and("from", Sql.micros(filter.from()));
        }
        if (filter.to() != null) {
            query.append(" and settledAt < :to");
            params.and("to", Sql.micros(filter.to()));
        }
        if (filter.after() != null) {
            // row comparison: strictly after the last row of the previous page, ties broken by challenge id; an
            // index range scan on (settled_at, challenge_id) or (filter, settled_at, challenge_id)
            query.append(" and (settledAt, challengeId) < (:afterAt, :afterId)");
            params.and("afterAt", Sql.micros(filter.after().settledAt())).and("afterId", filter.after().challengeId());
        }
        return find(query.toString(), Sort.descending("settledAt", "challengeId"), params).range(0, limit - 1).list()
                .map(rows -> rows.stream().map(ChargeEntity::toDomain).toList());
    }

    private static void equal(StringBuilder query, Parameters params, String field, String value) {
        if (value != null) {
            query.append(" and ").append(field).append(" = :").append(field);
            params.and(field, value);
        }
    }

    /** Per provider and model: how many charges settled in [from, to) were sold below their upstream cost. */
    public Uni<List<CostOverPrice>> countCostOverPrice(Instant from, Instant to, String provider) {
        String where = "c.upstreamCost > c.amount and c.settledAt >= :from and c.settledAt < :to"
                + (provider != null ? " and c.provider = :provider" : "");
        return Panache.getSession().chain(session -> {
            var query = session.createSelectionQuery("select c.provider, coalesce(c.model, ''), count(c) "
                    + "from ChargeEntity c where " + where + " group by c.provider, coalesce(c.model, '')",
                    Object[].class)
                    .setParameter("from", Sql.micros(from)).setParameter("to", Sql.micros(to));
            if (provider != null) {
                query.setParameter("provider", provider);
            }
            return query.getResultList();
        }).map(rows -> rows.stream()
                .map(r -> new CostOverPrice((String) r[0], (String) r[1], ((Number) r[2]).longValue())).toList());
    }

    /** How many charges of one provider and model were sold below their upstream cost. */
    public record CostOverPrice(String provider, String model, long calls) {
    }

    /** Charges settled in [from, to), oldest first, at most {@code limit}; optionally of one recipient. */
    public Uni<List<Charge>> settledBetween(Instant from, Instant to, String recipient, int limit) {
        Parameters params = Parameters.with("from", Sql.micros(from)).and("to", Sql.micros(to));
        String query = "settledAt >= :from and settledAt < :to";
        if (recipient != null) {
            query += " and lower(recipient) = lower(:recipient)";
            params.and("recipient", recipient);
        }
        return find(query, Sort.ascending("settledAt", "challengeId"), params).range(0, limit - 1).list()
                .map(rows -> rows.stream().map(ChargeEntity::toDomain).toList());
    }

    /** The charges among these tx hashes (reconciliation: which chain transfers the ledger knows). */
    public Uni<List<Charge>> findByTxHashes(Collection<String> txHashes) {
        if (txHashes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("txHash in ?1", List.copyOf(txHashes))
                .map(rows -> rows.stream().map(ChargeEntity::toDomain).toList());
    }

    // ---- ingest (native SQL in the batch's transaction) ----

    /** The charges among these challenge ids, by challenge id. */
    public Uni<Map<String, Charge>> findByChallengeIds(LedgerTx tx, Collection<String> challengeIds) {
        if (challengeIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return tx.execute("SELECT " + COLUMNS + " FROM charges WHERE challenge_id = ANY ($1::text[])",
                Tuple.of(Sql.texts(challengeIds)))
                .map(rows -> {
                    Map<String, Charge> out = new HashMap<>();
                    rows.forEach(r -> out.put(r.getString("challenge_id"), map(r)));
                    return out;
                });
    }

    /** Charges of any challenge that hold one of these charge ids or tx hashes (a double claim when not ours). */
    public Uni<List<Charge>> findClaiming(LedgerTx tx, Collection<String> chargeIds, Collection<String> txHashes) {
        if (chargeIds.isEmpty() && txHashes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return tx.execute("SELECT " + COLUMNS + " FROM charges WHERE charge_id = ANY ($1::text[])"
                + " OR tx_hash = ANY ($2::text[])", Tuple.of(Sql.texts(chargeIds), Sql.texts(txHashes)))
                .map(rows -> Sql.rows(rows, ChargeRepository::map));
    }

    public Uni<Void> insert(LedgerTx tx, List<Charge> charges) {
        if (charges.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.execute("INSERT INTO charges (" + COLUMNS + ") SELECT c.c1, c.c2, c.c3, c.c4, c.c5, c.c6, c.c7, c.c8, "
                + "c.c9, c.c10, c.c11, c.c12, c.c13, c.c14, c.c15, c.c16, now(), c.c17, c.c18 FROM unnest($1::text[], "
                + "$2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::bigint[], "
                + "$10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::timestamptz[], "
                + "$17::bigint[], $18::bigint[]) AS c(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, "
                + "c16, c17, c18)",
                Tuple.from(List.of(
                        Sql.texts(charges, Charge::challengeId), Sql.texts(charges, Charge::chargeId),
                        Sql.texts(charges, Charge::provider), Sql.texts(charges, Charge::route),
                        Sql.texts(charges, Charge::realm), Sql.texts(charges, Charge::model),
                        Sql.longs(charges, Charge::amount), Sql.texts(charges, Charge::currency),
                        Sql.longs(charges, Charge::chainId), Sql.texts(charges, Charge::txHash),
                        Sql.texts(charges, Charge::payer), Sql.texts(charges, Charge::recipient),
                        Sql.texts(charges, Charge::mode), Sql.texts(charges, Charge::digest),
                        Sql.texts(charges, c -> c.status().dbValue()), Sql.timestamps(charges, Charge::settledAt),
                        Sql.longs(charges, Charge::upstreamCost), Sql.longs(charges, Charge::quotedUpstreamCost))))
                .onFailure().transform(Sql.failure("inserting " + charges.size() + " charges"))
                .replaceWithVoid();
    }

    /** Saves the status, model and costs of charges that already exist. */
    public Uni<Void> update(LedgerTx tx, List<Charge> charges) {
        if (charges.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.execute("""
                UPDATE charges c SET status = u.status, model = u.model, upstream_cost = u.cost, quoted_upstream_cost = u.quoted,
                                     updated_at = now()
                FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
                    AS u(challenge_id, status, model, cost, quoted)
                WHERE c.challenge_id = u.challenge_id""",
                Tuple.from(List.of(Sql.texts(charges, Charge::challengeId),
                        Sql.texts(charges, c -> c.status().dbValue()), Sql.texts(charges, Charge::model),
                        Sql.longs(charges, Charge::upstreamCost), Sql.longs(charges, Charge::quotedUpstreamCost))))
                .onFailure().transform(Sql.failure("updating " + charges.size() + " charges"))
                .replaceWithVoid();
    }

    static Charge map(Row r) {
        return new Charge(r.getString("challenge_id"), r.getString("charge_id"), r.getString("provider"),
                r.getString("route"), r.getString("realm"), r.getString("model"), r.getLong("amount"),
                r.getString("currency"), r.getLong("chain_id"), r.getString("tx_hash"), r.getString("payer"),
                r.getString("recipient"), r.getString("mode"), r.getString("digest"),
                ChargeStatus.fromDb(r.getString("status")), Sql.instant(r, "settled_at"),
                Sql.instant(r, "updated_at"), r.getLong("upstream_cost"), r.getLong("quoted_upstream_cost"));
    }
}
