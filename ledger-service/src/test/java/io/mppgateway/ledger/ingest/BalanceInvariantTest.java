package io.mppgateway.ledger.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mppgateway.ledger.ingest.messaging.LedgerEventConsumer;
import io.mppgateway.ledger.support.EventStream;
import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.Ingest;
import io.mppgateway.ledger.support.LedgerAssertions;
import io.mppgateway.ledger.support.LedgerDb;
import io.mppgateway.ledger.support.TestEvents;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Thousands of generated events, with duplicates and in random order across topics, fed to the consumer in batches
 * of random size (duplicates within a batch too) by four threads at once (as channels and replicas would): the
 * journal balances, and every figure is exactly what the stream implies, whatever the order and the batching.
 */
@QuarkusTest
class BalanceInvariantTest {
    @Inject
    LedgerEventConsumer consumer;

    @Inject
    DataSource dataSource;

    @BeforeEach
    void financeToken() {
        FinanceAuth.asFinance();
    }

    @Test
    void aShuffledStreamWithDuplicatesBooksEveryFactExactlyOnce() throws Exception {
        LocalDate day = LocalDate.parse("1990-01-01").plusDays(Math.floorMod(System.nanoTime(), 3000));
        EventStream stream = new EventStream(42, 800, day.atStartOfDay().toInstant(ZoneOffset.UTC), "grok");
        List<TestEvents.Event<?>> delivered = stream.shuffledWithDuplicates(7);
        assertEquals(true, delivered.size() > 2_000, "a stream of thousands: " + delivered.size());

        // consecutive events of one topic go together in batches of 1..40, as a poll would hand them over
        Random random = new Random(11);
        List<List<TestEvents.Event<?>>> batches = new ArrayList<>();
        List<TestEvents.Event<?>> batch = new ArrayList<>();
        int size = 1 + random.nextInt(40);
        for (TestEvents.Event<?> e : delivered) {
            if (!batch.isEmpty() && (!batch.get(0).topic().equals(e.topic()) || batch.size() == size)) {
                batches.add(batch);
                batch = new ArrayList<>();
                size = 1 + random.nextInt(40);
            }
            batch.add(e);
        }
        batches.add(batch);

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<TestEvents.Event<?>> b : batches) {
                done.add(pool.submit(() -> Ingest.batch(consumer, b)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        long distinct = stream.events.size();
        assertEquals(distinct, LedgerDb.count(dataSource,
                "SELECT count(*) FROM processed_events WHERE event_id = ANY (?)",
                (Object) stream.events.stream().map(TestEvents.Event::eventId).toArray(String[]::new)));
        assertEquals(0, LedgerDb.count(dataSource, "SELECT count(*) FROM usage_records WHERE challenge_id = ANY (?) "
                + "AND NOT applied", (Object) stream.challengeIds().toArray(String[]::new)));
        LedgerAssertions.journalBalancesAndRollupsAgree(dataSource);
        LedgerAssertions.matchesStream(dataSource, stream, day);
        // sanity of the generator itself: the stream has every kind of fact
        assertEquals(true, stream.refunds > 0 && stream.revenue > 0 && stream.upstreamCost > 0 && stream.splitCost > 0);
    }
}
