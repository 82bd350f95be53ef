package io.mppgateway.ledger.export.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.common.jdbc.Jdbc;

/**
 * Export reads in chunks, each one short query continuing after the last key of the previous one: no long-lived
 * cursor or transaction holds a connection while a slow client downloads.
 */
@ApplicationScoped
public class ExportRepository {

    /** A charge row of the CSV, with its usage totals. */
    public record ChargeLine(Instant settledAt, String challengeId, String chargeId, String provider, String route,
            String model, String payer, String recipient, long amount, String currency, long chainId, String txHash,
            String mode, String status, long promptTokens, long completionTokens, long totalTokens,
            long upstreamCost) {
    }

    /** A posting row of the CSV. */
    public record PostingLine(Instant occurredAt, long transactionId, String kind, String challengeId, String chargeId,
            long postingId, String account, long debit, long credit) {
    }

    private final DataSource dataSource;

    public ExportRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Charges settled in [from, to) after the key (settledAt, challengeId), oldest first. */
    public List<ChargeLine> charges(Instant from, Instant to, Instant afterSettledAt, String afterChallengeId,
            int limit) {
        String sql = """
                SELECT c.settled_at, c.challenge_id, c.charge_id, c.provider, c.route, c.model, c.payer, c.recipient,
                       c.amount, c.currency, c.chain_id, c.tx_hash, c.mode, c.status,
                       COALESCE(u.prompt_tokens, 0) AS prompt_tokens, COALESCE(u.completion_tokens, 0) AS completion_tokens,
                       COALESCE(u.total_tokens, 0) AS total_tokens, COALESCE(u.upstream_cost, 0) AS upstream_cost
                FROM charges c
                LEFT JOIN LATERAL (
                    SELECT SUM(prompt_tokens)::bigint AS prompt_tokens, SUM(completion_tokens)::bigint AS completion_tokens,
                           SUM(total_tokens)::bigint AS total_tokens, SUM(upstream_cost_estimate)::bigint AS upstream_cost
                    FROM usage_records WHERE challenge_id = c.challenge_id AND applied) u ON true
                WHERE c.settled_at >= ? AND c.settled_at < ? AND (c.settled_at, c.challenge_id) > (?, ?)
                ORDER BY c.settled_at, c.challenge_id
                LIMIT ?""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, Jdbc.timestamp(from));
            ps.setObject(2, Jdbc.timestamp(to));
            ps.setObject(3, Jdbc.timestamp(afterSettledAt));
            ps.setString(4, afterChallengeId);
            ps.setInt(5, limit);
            List<ChargeLine> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ChargeLine(Jdbc.instant(rs, "settled_at"), rs.getString("challenge_id"),
                            rs.getString("charge_id"), rs.getString("provider"), rs.getString("route"),
                            rs.getString("model"), rs.getString("payer"), rs.getString("recipient"),
                            rs.getLong("amount"), rs.getString("currency"), rs.getLong("chain_id"),
                            rs.getString("tx_hash"), rs.getString("mode"), rs.getString("status"),
                            rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"), rs.getLong("total_tokens"),
                            rs.getLong("upstream_cost")));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw Jdbc.failure("exporting charges", e);
        }
    }

    /**
     * Postings of the journal transactions that occurred in [from, to), continuing after the transaction key
     * (occurredAt, id); whole transactions only, at most {@code limit} of them.
     */
    public List<PostingLine> postings(Instant from, Instant to, Instant afterOccurredAt, long afterId, int limit) {
        String sql = """
                WITH tx AS (
                    SELECT id, kind, challenge_id, occurred_at FROM journal_transactions
                    WHERE occurred_at >= ? AND occurred_at < ? AND (occurred_at, id) > (?, ?)
                    ORDER BY occurred_at, id LIMIT ?)
                SELECT tx.occurred_at, tx.id AS transaction_id, tx.kind, tx.challenge_id, c.charge_id,
                       p.id AS posting_id, p.account, p.debit, p.credit
                FROM tx JOIN postings p ON p.journal_transaction_id = tx.id
                LEFT JOIN charges c ON c.challenge_id = tx.challenge_id
                ORDER BY tx.occurred_at, tx.id, p.id""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, Jdbc.timestamp(from));
            ps.setObject(2, Jdbc.timestamp(to));
            ps.setObject(3, Jdbc.timestamp(afterOccurredAt));
            ps.setLong(4, afterId);
            ps.setInt(5, limit);
            List<PostingLine> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new PostingLine(Jdbc.instant(rs, "occurred_at"), rs.getLong("transaction_id"),
                            rs.getString("kind"), rs.getString("challenge_id"), rs.getString("charge_id"),
                            rs.getLong("posting_id"), rs.getString("account"), rs.getLong("debit"),
                            rs.getLong("credit")));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw Jdbc.failure("exporting postings", e);
        }
    }
}
