package io.mppgateway.ledger.usage.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.ledger.common.db.LedgerTx;
import io.mppgateway.ledger.common.db.Sql;
import io.mppgateway.ledger.usage.domain.UsageRecord;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** The {@code usage_records} table. */
@ApplicationScoped
public class UsageRepository implements PanacheRepositoryBase<UsageRecordEntity, String> {
    private static final String COLUMNS = """
            event_id, challenge_id, charge_id, provider, route, model, outcome, delivered, prompt_tokens,
            completion_tokens, total_tokens, reasoning_tokens, cached_tokens, images, characters, pages, tool_calls,
            upstream_status, latency_ms, upstream_cost, quoted_upstream_cost, cost_in_usd_ticks, recorded_at,
            applied""";

    // ---- finance reads (Panache) ----

    public Uni<List<UsageRecord>> findByChallengeId(String challengeId) {
        return list("challengeId = ?1 order by recordedAt, eventId", challengeId)
                .map(rows -> rows.stream().map(UsageRecordEntity::toDomain).toList());
    }

    // ---- ingest (native SQL in the batch's transaction) ----

    public Uni<Void> insert(LedgerTx tx, List<UsageRecord> usage) {
        if (usage.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.execute("INSERT INTO usage_records (" + COLUMNS + ") SELECT * FROM unnest($1::text[], $2::text[], "
                + "$3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::bigint[], "
                + "$10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], "
                + "$16::bigint[], $17::bigint[], $18::int[], $19::bigint[], $20::bigint[], $21::bigint[], "
                + "$22::bigint[], $23::timestamptz[], $24::boolean[])",
                Tuple.from(List.of(Sql.texts(usage, UsageRecord::eventId), Sql.texts(usage, UsageRecord::challengeId),
                        Sql.texts(usage, UsageRecord::chargeId), Sql.texts(usage, UsageRecord::provider),
                        Sql.texts(usage, UsageRecord::route), Sql.texts(usage, UsageRecord::model),
                        Sql.texts(usage, u -> u.outcome().name()), Sql.bools(usage, UsageRecord::delivered),
                        Sql.longs(usage, UsageRecord::promptTokens), Sql.longs(usage, UsageRecord::completionTokens),
                        Sql.longs(usage, UsageRecord::totalTokens), Sql.longs(usage, UsageRecord::reasoningTokens),
                        Sql.longs(usage, UsageRecord::cachedTokens), Sql.longs(usage, UsageRecord::images),
                        Sql.longs(usage, UsageRecord::characters), Sql.longs(usage, UsageRecord::pages),
                        Sql.longs(usage, UsageRecord::toolCalls), Sql.ints(usage, UsageRecord::upstreamStatus),
                        Sql.longs(usage, UsageRecord::latencyMs), Sql.longs(usage, UsageRecord::upstreamCost),
                        Sql.longs(usage, UsageRecord::quotedUpstreamCost),
                        Sql.longs(usage, UsageRecord::costInUsdTicks),
                        Sql.timestamps(usage, UsageRecord::recordedAt), Sql.bools(usage, UsageRecord::applied))))
                .onFailure().transform(Sql.failure("inserting " + usage.size() + " usage records"))
                .replaceWithVoid();
    }

    public Uni<Void> markApplied(LedgerTx tx, List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.execute("UPDATE usage_records SET applied = true WHERE event_id = ANY ($1::text[])",
                Tuple.of(Sql.texts(eventIds)))
                .onFailure().transform(Sql.failure("marking usage applied"))
                .replaceWithVoid();
    }

    /** Usage that arrived before its settlement, by challenge id. */
    public Uni<Map<String, List<UsageRecord>>> findPending(LedgerTx tx, Collection<String> challengeIds) {
        if (challengeIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return tx.execute("SELECT " + COLUMNS + " FROM usage_records WHERE challenge_id = ANY ($1::text[])"
                + " AND NOT applied", Tuple.of(Sql.texts(challengeIds)))
                .map(rows -> {
                    Map<String, List<UsageRecord>> out = new HashMap<>();
                    for (Row r : rows) {
                        out.computeIfAbsent(r.getString("challenge_id"), k -> new ArrayList<>()).add(map(r));
                    }
                    return out;
                });
    }

    private static UsageRecord map(Row r) {
        return new UsageRecord(r.getString("event_id"), r.getString("challenge_id"), r.getString("charge_id"),
                r.getString("provider"), r.getString("route"), r.getString("model"),
                UsageOutcome.valueOf(r.getString("outcome")), r.getBoolean("delivered"), r.getLong("prompt_tokens"),
                r.getLong("completion_tokens"), r.getLong("total_tokens"), r.getLong("reasoning_tokens"),
                r.getLong("cached_tokens"), r.getLong("images"), r.getLong("characters"), r.getLong("pages"),
                r.getLong("tool_calls"), r.getInteger("upstream_status"), r.getLong("latency_ms"),
                r.getLong("upstream_cost"), r.getLong("quoted_upstream_cost"), r.getLong("cost_in_usd_ticks"),
                Sql.instant(r, "recorded_at"), r.getBoolean("applied"));
    }
}
