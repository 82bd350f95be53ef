package io.mppgateway.ledger.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mppgateway.ledger.ingest.messaging.LedgerEventConsumer;
import io.mppgateway.ledger.support.Ingest;
import io.mppgateway.ledger.support.LedgerDb;
import io.mppgateway.ledger.support.TestEvents;
import io.mppgateway.ledger.support.TestEvents.Refunded;
import io.mppgateway.ledger.support.TestEvents.Settled;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Two batches booked in parallel (two consumers, or two replicas, each with a partition) whose events are of
 * different charges but claim the same transaction, charge id or refund transaction. Both read "unclaimed" before
 * either inserts: the test holds the table against inserts until both transactions wait there. The fact is stored
 * once, the other event is rejected as a clash (a settlement) or known (a refund), and neither batch fails (a
 * failed batch stops its channel until a restart).
 */
@QuarkusTest
class ClaimRaceTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    DataSource dataSource;
    @Inject
    LedgerEventConsumer consumer;

    @ParameterizedTest
    @ValueSource(strings = { "txHash", "chargeId" })
    void twoSettlementsClaimingOneFactInParallelBookOneAndRejectTheOther(String claim) throws Exception {
        Settled first = TestEvents.settled();
        Settled second = TestEvents.settled().with(claim, claim.equals("txHash") ? first.txHashValue() : first.chargeId());

        bookTogetherPastInsert("charges", first, second);

        String winner = LedgerDb.string(dataSource, "SELECT challenge_id FROM charges WHERE challenge_id IN (?, ?)",
                first.challengeId(), second.challengeId());
        Settled loser = first.challengeId().equals(winner) ? second : first;
        assertEquals(1, LedgerDb.count(dataSource, "SELECT count(*) FROM charges WHERE challenge_id IN (?, ?)",
                first.challengeId(), second.challengeId()));
        assertEquals("charge id or tx hash already settled for challenge " + winner, LedgerDb.string(dataSource,
                "SELECT reason FROM rejected_events WHERE message_key = ?", loser.challengeId()));
        // the loser's event is done with (not redelivered), and only the winner is in the journal
        assertEquals(1, LedgerDb.count(dataSource, "SELECT count(*) FROM processed_events WHERE event_id = ?",
                loser.eventId()));
        assertEquals(0, LedgerDb.count(dataSource,
                "SELECT count(*) FROM journal_transactions WHERE challenge_id = ?", loser.challengeId()));
        assertEquals(1, LedgerDb.count(dataSource,
                "SELECT count(*) FROM journal_transactions WHERE challenge_id = ? AND kind = 'settlement'", winner));
    }

    @Test
    void twoRefundsOfOneRefundTransactionInParallelStoreItOnce() throws Exception {
        String refundTx = TestEvents.txHash();
        // refunds of charges the ledger does not know yet: each is stored, pending its settlement
        Refunded first = TestEvents.refunded(TestEvents.settled(), 1_000L).with("refundTxHash", refundTx);
        Refunded second = TestEvents.refunded(TestEvents.settled(), 1_000L).with("refundTxHash", refundTx);

        bookTogetherPastInsert("refunds", first, second);

        assertEquals(1, LedgerDb.count(dataSource, "SELECT count(*) FROM refunds WHERE refund_tx_hash = ?", refundTx));
        assertEquals(2, LedgerDb.count(dataSource, "SELECT count(*) FROM processed_events WHERE event_id IN (?, ?)",
                first.eventId(), second.eventId()));
    }

    /**
     * Books each event in a batch of its own, both at once, with {@code table} held against inserts until both
     * transactions wait to insert into it (so both have read the ledger first); both bookings must then succeed.
     */
    private void bookTogetherPastInsert(String table, TestEvents.Event<?> first, TestEvents.Event<?> second)
            throws Exception {
        CompletableFuture<Void> a;
        CompletableFuture<Void> b;
        try (Connection gate = dataSource.getConnection(); Statement lock = gate.createStatement()) {
            gate.setAutoCommit(false);
            lock.execute("LOCK TABLE " + table + " IN SHARE MODE"); // reads go on, inserts wait
            a = Ingest.start(consumer, List.of(first)).toCompletableFuture();
            b = Ingest.start(consumer, List.of(second)).toCompletableFuture();
            await().atMost(WAIT).until(() -> waitingToInsert(table, first, second) == 2);
            gate.commit();
        }
        a.get(60, TimeUnit.SECONDS);
        b.get(60, TimeUnit.SECONDS);
    }

    /** Sessions holding one of these events' charge locks (so: these batches) and waiting to insert into table. */
    private long waitingToInsert(String table, TestEvents.Event<?> first, TestEvents.Event<?> second) {
        return LedgerDb.count(dataSource, """
                SELECT count(DISTINCT w.pid) FROM pg_locks w JOIN pg_locks a ON a.pid = w.pid
                WHERE w.relation = ?::regclass AND NOT w.granted
                  AND a.locktype = 'advisory' AND a.granted
                  AND ((a.classid::bigint << 32) | a.objid::bigint) IN (hashtextextended(?, 0), hashtextextended(?, 0))""",
                table, first.challengeId(), second.challengeId());
    }
}
