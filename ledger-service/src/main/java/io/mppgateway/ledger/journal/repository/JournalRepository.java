package io.mppgateway.ledger.journal.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.mppgateway.ledger.common.jdbc.Jdbc;
import io.mppgateway.ledger.journal.domain.JournalEntry;
import io.mppgateway.ledger.journal.domain.JournalKind;
import io.mppgateway.ledger.journal.domain.JournalTransaction;
import io.mppgateway.ledger.journal.domain.Posting;

/** Append-only access to journal_transactions and postings. */
@ApplicationScoped
public class JournalRepository {
    private final DataSource dataSource;

    public JournalRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Inserts a balanced journal transaction and its postings; refuses an unbalanced one before touching the
     * database. MANDATORY: a posting is only meaningful together with the effect that caused it.
     *
     * @return the new journal transaction id
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long post(JournalEntry entry) {
        entry.requireBalanced();
        try (Connection c = dataSource.getConnection()) {
            long id;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO journal_transactions (kind, challenge_id, source_event_id, occurred_at, description)
                    VALUES (?, ?, ?, ?, ?) RETURNING id""")) {
                ps.setString(1, entry.kind().dbValue());
                ps.setString(2, entry.challengeId());
                ps.setString(3, entry.sourceEventId());
                ps.setObject(4, Jdbc.timestamp(entry.occurredAt()));
                ps.setString(5, entry.description());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO postings (journal_transaction_id, account, debit, credit) VALUES (?, ?, ?, ?)")) {
                for (Posting p : entry.postings()) {
                    ps.setLong(1, id);
                    ps.setString(2, p.account());
                    ps.setLong(3, p.debit());
                    ps.setLong(4, p.credit());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return id;
        } catch (SQLException e) {
            throw Jdbc.failure("posting " + entry.kind().dbValue() + " for " + entry.challengeId(), e);
        }
    }

    /** The journal transactions of one charge, oldest first, each with its postings (debits first). */
    public List<JournalTransaction> findByChallengeId(String challengeId) {
        Map<Long, JournalTransaction> byId = new LinkedHashMap<>();
        Map<Long, List<Posting>> postings = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        SELECT t.id, t.kind, t.challenge_id, t.source_event_id, t.occurred_at, t.posted_at, t.description,
                               p.account, p.debit, p.credit
                        FROM journal_transactions t JOIN postings p ON p.journal_transaction_id = t.id
                        WHERE t.challenge_id = ?
                        ORDER BY t.id, p.credit, p.id""")) {
            ps.setString(1, challengeId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong("id");
                    if (!byId.containsKey(id)) {
                        List<Posting> lines = new ArrayList<>();
                        postings.put(id, lines);
                        byId.put(id, new JournalTransaction(id, JournalKind.fromDb(rs.getString("kind")),
                                rs.getString("challenge_id"), rs.getString("source_event_id"),
                                Jdbc.instant(rs, "occurred_at"), Jdbc.instant(rs, "posted_at"),
                                rs.getString("description"), lines));
                    }
                    postings.get(id).add(new Posting(rs.getString("account"), rs.getLong("debit"), rs.getLong("credit")));
                }
            }
        } catch (SQLException e) {
            throw Jdbc.failure("reading the journal of " + challengeId, e);
        }
        return byId.values().stream()
                .map(t -> new JournalTransaction(t.id(), t.kind(), t.challengeId(), t.sourceEventId(), t.occurredAt(),
                        t.postedAt(), t.description(), List.copyOf(t.postings())))
                .toList();
    }
}
