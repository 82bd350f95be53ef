package io.mppgateway.ledger.journal.repository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.common.db.LedgerTx;
import io.mppgateway.ledger.common.db.Sql;
import io.mppgateway.ledger.journal.domain.JournalEntry;
import io.mppgateway.ledger.journal.domain.JournalKind;
import io.mppgateway.ledger.journal.domain.JournalTransaction;
import io.mppgateway.ledger.journal.domain.Posting;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/** Append-only access to journal_transactions and postings. */
@ApplicationScoped
public class JournalRepository {

    /**
     * Inserts balanced journal transactions and their postings, in the given order (ids ascending); refuses the
     * whole lot before touching the database if one does not balance. Taking a {@link LedgerTx} means a posting is
     * only ever written together with the effect that caused it.
     *
     * @return the new journal transaction ids, in the order of {@code entries}
     */
    public Uni<List<Long>> post(LedgerTx tx, List<JournalEntry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        entries.forEach(JournalEntry::requireBalanced);
        return tx.execute("SELECT nextval('journal_transactions_id_seq') FROM generate_series(1, $1)",
                Tuple.of(entries.size()))
                .map(rows -> Sql.rows(rows, r -> r.getLong(0)).stream().sorted().toList())
                .chain(ids -> insert(tx, entries, ids).replaceWith(ids))
                .onFailure().transform(Sql.failure("posting " + entries.size() + " journal transactions"));
    }

    private static Uni<Void> insert(LedgerTx tx, List<JournalEntry> entries, List<Long> ids) {
        record Line(long transactionId, Posting posting) {
        }
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            for (Posting p : entries.get(i).postings()) {
                lines.add(new Line(ids.get(i), p));
            }
        }
        return tx.execute("""
                INSERT INTO journal_transactions (id, kind, challenge_id, source_event_id, occurred_at, description)
                SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])""",
                Tuple.from(List.of(ids.toArray(Long[]::new), Sql.texts(entries, e -> e.kind().dbValue()),
                        Sql.texts(entries, JournalEntry::challengeId), Sql.texts(entries, JournalEntry::sourceEventId),
                        Sql.timestamps(entries, JournalEntry::occurredAt),
                        Sql.texts(entries, JournalEntry::description))))
                // posting ids follow the entries' order (WITH ORDINALITY), debits and credits as given
                .chain(() -> tx.execute("""
                        INSERT INTO postings (journal_transaction_id, account, debit, credit)
                        SELECT t, a, d, c FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[])
                            WITH ORDINALITY AS p(t, a, d, c, n) ORDER BY n""",
                        Tuple.of(Sql.longs(lines, Line::transactionId), Sql.texts(lines, l -> l.posting().account()),
                                Sql.longs(lines, l -> l.posting().debit()),
                                Sql.longs(lines, l -> l.posting().credit()))))
                .replaceWithVoid();
    }

    /** The journal transactions of one charge, oldest first, each with its postings (debits first). */
    public Uni<List<JournalTransaction>> findByChallengeId(String challengeId) {
        return Panache.getSession().chain(session -> session
                .createSelectionQuery("from JournalTransactionEntity where challengeId = :id order by id",
                        JournalTransactionEntity.class)
                .setParameter("id", challengeId).getResultList()
                .chain(transactions -> {
                    if (transactions.isEmpty()) {
                        return Uni.createFrom().item(List.<JournalTransaction>of());
                    }
                    return session.createSelectionQuery("from PostingEntity where journalTransactionId in :ids"
                            + " order by journalTransactionId, credit, id", PostingEntity.class)
                            .setParameter("ids", transactions.stream().map(t -> t.id).toList())
                            .getResultList()
                            .map(postings -> assemble(transactions, postings));
                }));
    }

    private static List<JournalTransaction> assemble(List<JournalTransactionEntity> transactions,
            List<PostingEntity> postings) {
        Map<Long, List<Posting>> byTransaction = new LinkedHashMap<>();
        postings.forEach(p -> byTransaction.computeIfAbsent(p.journalTransactionId, k -> new ArrayList<>())
                .add(p.toDomain()));
        return transactions.stream()
                .map(t -> new JournalTransaction(t.id, JournalKind.fromDb(t.kind), t.challengeId, t.sourceEventId,
                        t.occurredAt, t.postedAt, t.description, List.copyOf(byTransaction.getOrDefault(t.id,
                                List.of()))))
                .toList();
    }
}
