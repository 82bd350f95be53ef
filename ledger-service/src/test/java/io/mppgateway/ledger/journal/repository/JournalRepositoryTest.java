package io.mppgateway.ledger.journal.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.mppgateway.ledger.common.db.LedgerTx;
import io.mppgateway.ledger.common.db.Transactions;
import io.mppgateway.ledger.journal.domain.JournalEntry;
import io.mppgateway.ledger.journal.domain.JournalKind;
import io.mppgateway.ledger.journal.domain.JournalTransaction;
import io.mppgateway.ledger.journal.domain.Posting;
import io.mppgateway.ledger.journal.domain.UnbalancedJournalException;
import io.mppgateway.ledger.support.LedgerDb;
import io.mppgateway.ledger.support.TestEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class JournalRepositoryTest {

    @Inject
    JournalRepository journal;

    @Inject
    DataSource dataSource;

    @Inject
    Transactions transactions;

    private static JournalEntry entry(String challengeId, String eventId, Posting... postings) {
        return new JournalEntry(JournalKind.DELIVERY, challengeId, eventId, Instant.now(), "repository test",
                List.of(postings));
    }

    private long post(JournalEntry entry) {
        return transactions.run(tx -> journal.post(tx, List.of(entry))).await().atMost(Duration.ofSeconds(30)).get(0);
    }

    /** Finance reads go through Hibernate Reactive: a session on a Vert.x context. */
    private List<JournalTransaction> read(String challengeId) {
        try {
            return VertxContextSupport.subscribeAndAwait(
                    () -> Panache.withSession(() -> journal.findByChallengeId(challengeId)));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anUnbalancedTransactionIsRefusedAndNothingIsWritten() {
        String challengeId = TestEvents.challengeId();
        String eventId = UUID.randomUUID().toString();
        JournalEntry unbalanced = entry(challengeId, eventId, Posting.debit("liabilities:unearned:mistral", 10_000),
                Posting.credit("revenue:mistral:test", 9_000));

        assertThrows(UnbalancedJournalException.class, () -> post(unbalanced));

        assertEquals(0, LedgerDb.count(dataSource,
                "SELECT count(*) FROM journal_transactions WHERE source_event_id = ?", eventId));
        assertEquals(0, read(challengeId).size());
    }

    @Test
    void aBalancedTransactionIsStoredWithItsPostings() {
        String challengeId = TestEvents.challengeId();
        JournalEntry balanced = entry(challengeId, UUID.randomUUID().toString(),
                Posting.debit("liabilities:unearned:grok", 7_000), Posting.credit("revenue:grok:grok-4", 6_000),
                Posting.credit("revenue:grok:grok-4-mini", 1_000));

        long id = post(balanced);

        List<JournalTransaction> stored = read(challengeId);
        assertEquals(1, stored.size());
        assertEquals(id, stored.get(0).id());
        assertEquals(JournalKind.DELIVERY, stored.get(0).kind());
        assertEquals(balanced.postings().get(0), stored.get(0).postings().get(0));
        assertEquals(3, stored.get(0).postings().size());
        assertEquals(7_000, stored.get(0).postings().stream().mapToLong(Posting::credit).sum());
    }

    /**
     * Postings are only written inside a transaction: post() takes a LedgerTx, and only Transactions.run makes one
     * (what JTA's MANDATORY checked at run time is now checked by the compiler; this keeps it so).
     */
    @Test
    void onlyATransactionCanHandOutTheConnectionPostingsAreWrittenWith() {
        for (var constructor : LedgerTx.class.getDeclaredConstructors()) {
            assertFalse(java.lang.reflect.Modifier.isPublic(constructor.getModifiers())
                    || java.lang.reflect.Modifier.isProtected(constructor.getModifiers()), constructor.toString());
        }
        assertTrue(java.lang.reflect.Modifier.isFinal(LedgerTx.class.getModifiers()));
        long unbalancedTxWritten = LedgerDb.count(dataSource, "SELECT count(*) FROM journal_transactions t "
                + "WHERE NOT EXISTS (SELECT 1 FROM postings p WHERE p.journal_transaction_id = t.id)");
        assertEquals(0, unbalancedTxWritten, "journal transactions without postings");
    }

    /** Behind the Java check, the database itself refuses an unbalanced transaction at commit. */
    @Test
    void theDatabaseRefusesToCommitAnUnbalancedTransaction() throws SQLException {
        String eventId = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            rawPostings(c, rawTransaction(c, eventId), 100, 99);
            SQLException e = assertThrows(SQLException.class, c::commit);
            assertTrue(e.getMessage().contains("does not balance"), e.getMessage());
            c.setAutoCommit(true);
        }
        assertEquals(0, LedgerDb.count(dataSource,
                "SELECT count(*) FROM journal_transactions WHERE source_event_id = ?", eventId));
    }

    /** A raw journal transaction row, without postings, in the JDBC transaction of {@code c}. */
    private static long rawTransaction(Connection c, String eventId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO journal_transactions (kind, challenge_id, source_event_id, occurred_at, description)
                VALUES ('delivery', 'raw', ?, now(), 'raw insert') RETURNING id""")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void rawPostings(Connection c, long id, long debit, long credit) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO postings (journal_transaction_id, account, debit, credit) VALUES ("
                    + id + ", 'a', " + debit + ", 0), (" + id + ", 'b', 0, " + credit + ")");
        }
    }

    /** The check is deferred: postings may come in several statements, only the state at commit counts. */
    @Test
    void theDatabaseChecksTheBalanceAtCommitNotPerStatement() throws SQLException {
        String eventId = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long id = rawTransaction(c, eventId);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO postings (journal_transaction_id, account, debit, credit) VALUES ("
                        + id + ", 'a', 100, 0)");
                st.executeUpdate("INSERT INTO postings (journal_transaction_id, account, debit, credit) VALUES ("
                        + id + ", 'b', 0, 60), (" + id + ", 'c', 0, 40)");
            }
            c.commit();
            c.setAutoCommit(true);
        }
        assertEquals(3, LedgerDb.count(dataSource, "SELECT count(*) FROM postings p JOIN journal_transactions t "
                + "ON t.id = p.journal_transaction_id WHERE t.source_event_id = ?", eventId));
    }

    /** One unbalanced journal transaction among balanced ones is enough to refuse the commit. */
    @Test
    void oneUnbalancedTransactionAmongManyFailsTheCommit() throws SQLException {
        String eventId = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 20; i++) {
                rawPostings(c, rawTransaction(c, eventId + "-" + i), 50, i == 13 ? 49 : 50);
            }
            SQLException e = assertThrows(SQLException.class, c::commit);
            assertTrue(e.getMessage().contains("does not balance: debit 50 <> credit 49"), e.getMessage());
            c.setAutoCommit(true);
        }
        assertEquals(0, LedgerDb.count(dataSource,
                "SELECT count(*) FROM journal_transactions WHERE source_event_id LIKE ?", eventId + "-%"));
    }

    @Test
    void aJournalTransactionWithoutPostingsCannotCommit() throws SQLException {
        String eventId = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            rawTransaction(c, eventId);
            SQLException e = assertThrows(SQLException.class, c::commit);
            assertTrue(e.getMessage().contains("has no postings"), e.getMessage());
            c.setAutoCommit(true);
        }
        assertEquals(0, LedgerDb.count(dataSource,
                "SELECT count(*) FROM journal_transactions WHERE source_event_id = ?", eventId));
    }

    /**
     * The balance is checked once per journal transaction, queued by its insert: a posting added later to a journal
     * transaction booked by an earlier transaction would escape it, so it is refused, balanced or not.
     */
    @Test
    void noPostingCanBeAddedToAJournalTransactionOfAnEarlierTransaction() throws SQLException {
        String challengeId = TestEvents.challengeId();
        long id = post(entry(challengeId, UUID.randomUUID().toString(), Posting.debit("a", 5), Posting.credit("b", 5)));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertPostingsRefused(c, "(" + id + ", 'a', 7, 0)", "booked by an earlier transaction");
            c.rollback();
            assertPostingsRefused(c, "(" + id + ", 'a', 7, 0), (" + id + ", 'b', 0, 7)",
                    "booked by an earlier transaction");
            c.rollback();
            c.setAutoCommit(true);
        }
        assertEquals(2, LedgerDb.count(dataSource, "SELECT count(*) FROM postings WHERE journal_transaction_id = ?",
                id));
    }

    /**
     * When the queued checks have already run (SET CONSTRAINTS ALL IMMEDIATE), postings added afterwards to a journal
     * transaction of the same transaction are checked at the end of their statement instead.
     */
    @Test
    void postingsAfterTheCheckRanAreCheckedAtOnce() throws SQLException {
        String eventId = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long id = rawTransaction(c, eventId);
            rawPostings(c, id, 100, 100);
            try (Statement st = c.createStatement()) {
                st.execute("SET CONSTRAINTS ALL IMMEDIATE");
                st.execute("SET CONSTRAINTS ALL DEFERRED");
            }
            assertPostingsRefused(c, "(" + id + ", 'a', 1, 0)", "does not balance: debit 101 <> credit 100");
            c.rollback();
            c.setAutoCommit(true);
        }
        assertEquals(0, LedgerDb.count(dataSource,
                "SELECT count(*) FROM journal_transactions WHERE source_event_id = ?", eventId));
    }

    /** An INSERT of these postings rows is refused at once, with this in its message. */
    private static void assertPostingsRefused(Connection c, String rows, String expected) throws SQLException {
        try (Statement st = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.executeUpdate(
                    "INSERT INTO postings (journal_transaction_id, account, debit, credit) VALUES " + rows));
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    @Test
    void postingsCannotBeEdited() throws SQLException {
        String challengeId = TestEvents.challengeId();
        post(entry(challengeId, UUID.randomUUID().toString(), Posting.debit("a", 5), Posting.credit("b", 5)));
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.executeUpdate(
                    "UPDATE postings SET debit = 6 WHERE journal_transaction_id IN "
                            + "(SELECT id FROM journal_transactions WHERE challenge_id = '" + challengeId + "')"));
            assertTrue(e.getMessage().contains("append-only"), e.getMessage());
        }
    }
}
