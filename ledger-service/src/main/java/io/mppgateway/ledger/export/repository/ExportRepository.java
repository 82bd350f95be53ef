package io.mppgateway.ledger.export.repository;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.common.db.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Export reads in chunks, each one short query continuing after the last key of the previous one: no long-lived
 * cursor or transaction holds a connection while a slow client downloads, and the next chunk is only read when the
 * client has taken the previous one.
 */
@ApplicationScoped
public class ExportRepository {

    /**
     * A charge row of the CSV, with the totals of its applied usage (all attempts); costInUsdTicks is null when no
     * attempt carried xAI's figure.
     */
    public record ChargeLine(Instant settledAt, String challengeId, String chargeId, String provider, String route,
            String model, String payer, String recipient, long amount, String currency, long chainId, String txHash,
            String mode, String status, long promptTokens, long completionTokens, long totalTokens,
            long upstreamCost, long reasoningTokens, long cachedTokens, long images, long characters, long pages,
            long toolCalls, long quotedUpstreamCost, Long costInUsdTicks) {
    }

    /** A posting row of the CSV. */
    public record PostingLine(Instant occurredAt, long transactionId, String kind, String challengeId, String chargeId,
            long postingId, String account, long debit, long credit) {
    }

    private final Pool pool;

    public ExportRepository(Pool pool) {
        this.pool = pool;
    }

    /** Charges settled in [from, to) after the key (settledAt, challengeId), oldest first. */
    public Uni<List<ChargeLine>> charges(Instant from, Instant to, Instant afterSettledAt, String afterChallengeId,
            int limit) {
        String sql = """
                SELECT c.settled_at, c.challenge_id, c.charge_id, c.provider, c.route, c.model, c.payer, c.recipient,
                       c.amount, c.currency, c.chain_id, c.tx_hash, c.mode, c.status, c.upstream_cost,
                       c.quoted_upstream_cost,
                       COALESCE(u.prompt_tokens, 0) AS prompt_tokens, COALESCE(u.completion_tokens, 0) AS completion_tokens,
                       COALESCE(u.total_tokens, 0) AS total_tokens, COALESCE(u.reasoning_tokens, 0) AS reasoning_tokens,
                       COALESCE(u.cached_tokens, 0) AS cached_tokens, COALESCE(u.images, 0) AS images,
                       COALESCE(u.characters, 0) AS characters, COALESCE(u.pages, 0) AS pages,
                       COALESCE(u.tool_calls, 0) AS tool_calls, u.cost_in_usd_ticks
                FROM charges c
                LEFT JOIN LATERAL (
                    SELECT SUM(prompt_tokens)::bigint AS prompt_tokens, SUM(completion_tokens)::bigint AS completion_tokens,
                           SUM(total_tokens)::bigint AS total_tokens, SUM(reasoning_tokens)::bigint AS reasoning_tokens,
                           SUM(cached_tokens)::bigint AS cached_tokens, SUM(images)::bigint AS images,
                           SUM(characters)::bigint AS characters, SUM(pages)::bigint AS pages,
                           SUM(tool_calls)::bigint AS tool_calls, SUM(cost_in_usd_ticks)::bigint AS cost_in_usd_ticks
                    FROM usage_records WHERE challenge_id = c.challenge_id AND applied) u ON true
                WHERE c.settled_at >= $1 AND c.settled_at < $2 AND (c.settled_at, c.challenge_id) > ($3, $4)
                ORDER BY c.settled_at, c.challenge_id
                LIMIT $5""";
        return pool.preparedQuery(sql).execute(Tuple.from(List.of(Sql.timestamp(from), Sql.timestamp(to),
                Sql.timestamp(afterSettledAt), afterChallengeId, limit)))
                .onFailure().transform(Sql.failure("exporting charges"))
                .map(rows -> Sql.rows(rows, rs -> new ChargeLine(Sql.instant(rs, "settled_at"),
                        rs.getString("challenge_id"), rs.getString("charge_id"), rs.getString("provider"),
                        rs.getString("route"), rs.getString("model"), rs.getString("payer"), rs.getString("recipient"),
                        rs.getLong("amount"), rs.getString("currency"), rs.getLong("chain_id"), rs.getString("tx_hash"),
                        rs.getString("mode"), rs.getString("status"), rs.getLong("prompt_tokens"),
                        rs.getLong("completion_tokens"), rs.getLong("total_tokens"), rs.getLong("upstream_cost"),
                        rs.getLong("reasoning_tokens"), rs.getLong("cached_tokens"), rs.getLong("images"),
                        rs.getLong("characters"), rs.getLong("pages"), rs.getLong("tool_calls"),
                        rs.getLong("quoted_upstream_cost"), rs.getLong("cost_in_usd_ticks"))));
    }

    /**
     * Postings of the journal transactions that occurred in [from, to), continuing after the transaction key
     * (occurredAt, id); whole transactions only, at most {@code limit} of them.
     */
    public Uni<List<PostingLine>> postings(Instant from, Instant to, Instant afterOccurredAt, long afterId, int limit) {
        String sql = """
                WITH tx AS (
                    SELECT id, kind, challenge_id, occurred_at FROM journal_transactions
                    WHERE occurred_at >= $1 AND occurred_at < $2 AND (occurred_at, id) > ($3, $4)
                    ORDER BY occurred_at, id LIMIT $5)
                SELECT tx.occurred_at, tx.id AS transaction_id, tx.kind, tx.challenge_id, c.charge_id,
                       p.id AS posting_id, p.account, p.debit, p.credit
                FROM tx JOIN postings p ON p.journal_transaction_id = tx.id
                LEFT JOIN charges c ON c.challenge_id = tx.challenge_id
                ORDER BY tx.occurred_at, tx.id, p.id""";
        return pool.preparedQuery(sql).execute(Tuple.from(List.of(Sql.timestamp(from), Sql.timestamp(to),
                Sql.timestamp(afterOccurredAt), afterId, limit)))
                .onFailure().transform(Sql.failure("exporting postings"))
                .map(rows -> Sql.rows(rows, rs -> new PostingLine(Sql.instant(rs, "occurred_at"),
                        rs.getLong("transaction_id"), rs.getString("kind"), rs.getString("challenge_id"),
                        rs.getString("charge_id"), rs.getLong("posting_id"), rs.getString("account"),
                        rs.getLong("debit"), rs.getLong("credit"))));
    }
}
