package io.mppgateway.ledger.ingest;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mppgateway.ledger.support.EventStream;
import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.Kafka;
import io.mppgateway.ledger.support.LedgerAssertions;
import io.mppgateway.ledger.support.LedgerDb;
import io.mppgateway.ledger.support.TestEvents;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Through the real broker: every event produced in random order across the three topics (usage and refunds before
 * their settlement, settlements after their refunds), a quarter of them produced again with the same event id.
 */
@QuarkusTest
class KafkaRedeliveryTest {
    @Inject
    DataSource dataSource;

    @BeforeEach
    void financeToken() {
        FinanceAuth.asFinance();
    }

    @Test
    void redeliveredAndReorderedEventsLeaveTheLedgerExact() {
        LocalDate day = LocalDate.parse("2000-01-01").plusDays(Math.floorMod(System.nanoTime(), 3000));
        EventStream stream = new EventStream(1234, 60, day.atStartOfDay().toInstant(ZoneOffset.UTC), "mistral");
        for (TestEvents.Event<?> e : stream.shuffledWithDuplicates(99)) {
            Kafka.send(e);
        }
        String[] ids = stream.events.stream().map(TestEvents.Event::eventId).toArray(String[]::new);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> LedgerDb.count(
                dataSource, "SELECT count(*) FROM processed_events WHERE event_id = ANY (?)", (Object) ids) == ids.length);

        LedgerAssertions.journalBalancesAndRollupsAgree(dataSource);
        LedgerAssertions.matchesStream(dataSource, stream, day);
    }
}
