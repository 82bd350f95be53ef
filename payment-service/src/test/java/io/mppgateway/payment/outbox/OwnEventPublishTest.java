package io.mppgateway.payment.outbox;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.settlement.messaging.OutboxRelay;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.junit.jupiter.api.Test;

/**
 * With the scheduled relay off, so that whatever is published here was published by the code under test: each
 * settlement publishes its own settled event (exactly its row, nobody else's, written leased to it), two settling at
 * once each get theirs on Kafka exactly once, a relay round publishes what is left in one go, and leaves a row leased
 * to its writer alone until the lease ends.
 */
@QuarkusTest
@TestProfile(OwnEventPublishTest.NoScheduledRelay.class)
class OwnEventPublishTest {
    private static final ObjectMapper EVENTS = new ObjectMapper().findAndRegisterModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Inject
    DataSource dataSource;
    @Inject
    OutboxRelay relay;

    public static class NoScheduledRelay implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("payment.outbox.poll-interval", "off");
        }
    }

    @Test
    void twoSettlementsAtOnceEachPublishTheirOwnEventExactlyOnce() throws Exception {
        long amount = 6_100;
        Map<String, String> first = issue(amount);
        Map<String, String> second = issue(amount);
        String firstHash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, first.get("id")));
        String secondHash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, second.get("id")));
        // someone else's event waiting in the outbox: no settlement publishes it
        long foreign = insertUsageEvent();
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            ConsumerTask<String, String> settled = kafka.consumeStrings()
                    .withGroupId("own-publish-" + UUID.randomUUID()).withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.PAYMENTS_SETTLED);

            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(
                    () -> settle(pushCredential(first, firstHash, DevChain.PAYER), amount).statusCode());
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(
                    () -> settle(pushCredential(second, secondHash, DevChain.PAYER), amount).statusCode());
            assertEquals(200, a.get());
            assertEquals(200, b.get());

            // published by the settlements themselves: the scheduled relay is off
            for (String id : List.of(first.get("id"), second.get("id"))) {
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> one(
                        "SELECT published_at::text FROM outbox WHERE topic = 'payments.settled' AND message_key = ?",
                        id) != null);
                // written leased to the settlement, so that no relay round sends it while the settlement does
                assertEquals("true", one("SELECT (publish_lease_until > created_at)::text FROM outbox"
                        + " WHERE topic = 'payments.settled' AND message_key = ?", id), "leased: " + id);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of(first.get("id"), second.get("id")).stream()
                    .allMatch(id -> settled.getRecords().stream().anyMatch(r -> id.equals(r.key()))));
            Thread.sleep(2_000); // anything sent twice would show up by now
            for (String id : List.of(first.get("id"), second.get("id"))) {
                assertEquals(1, settled.getRecords().stream().filter(r -> id.equals(r.key())).count(),
                        "settled events of " + id);
            }
            settled.stop();
            assertNull(one("SELECT published_at::text FROM outbox WHERE id = ?", foreign),
                    "a settlement publishes its own event only");
        } finally {
            delete(foreign);
        }
    }

    @Test
    void aRelayRoundPublishesWhatIsLeftInOneGo() throws Exception {
        long firstRow = insertUsageEvent();
        long secondRow = insertUsageEvent();
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            ConsumerTask<String, String> usage = usageRecords(kafka, "relay-round-");
            String firstKey = one("SELECT message_key FROM outbox WHERE id = ?", firstRow);
            String secondKey = one("SELECT message_key FROM outbox WHERE id = ?", secondRow);
            roundsUntilPublished(firstRow, secondRow);
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of(firstKey, secondKey).stream()
                    .allMatch(key -> usage.getRecords().stream().anyMatch(r -> key.equals(r.key()))));
            relay.publishPending().await().atMost(Duration.ofSeconds(30));
            Thread.sleep(1_000);
            for (String key : List.of(firstKey, secondKey)) {
                assertEquals(1, usage.getRecords().stream().filter(r -> key.equals(r.key())).count(),
                        "usage events of " + key);
            }
            usage.stop();
        } finally {
            delete(firstRow);
            delete(secondRow);
        }
    }

    @Test
    void aRoundLeavesALeasedEventToItsWriterUntilTheLeaseEnds() throws Exception {
        long row = insertUsageEvent();
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            ConsumerTask<String, String> usage = usageRecords(kafka, "leased-");
            String key = one("SELECT message_key FROM outbox WHERE id = ?", row);
            // its writer is publishing it (a settlement's own publication): rounds leave it alone
            update("UPDATE outbox SET publish_lease_until = now() + interval '60 seconds' WHERE id = ?", row);
            for (int round = 0; round < 3; round++) {
                relay.publishPending().await().atMost(Duration.ofSeconds(30));
            }
            assertNull(one("SELECT published_at::text FROM outbox WHERE id = ?", row), "a leased row is its writer's");
            // the writer crashed or failed to send: once the lease has ended, a round publishes it, once
            update("UPDATE outbox SET publish_lease_until = now() - interval '1 second' WHERE id = ?", row);
            roundsUntilPublished(row);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> usage.getRecords().stream().anyMatch(r -> key.equals(r.key())));
            Thread.sleep(1_000);
            assertEquals(1, usage.getRecords().stream().filter(r -> key.equals(r.key())).count(), "usage events");
            usage.stop();
        } finally {
            delete(row);
        }
    }

    private static ConsumerTask<String, String> usageRecords(KafkaCompanion kafka, String groupPrefix) {
        return kafka.consumeStrings().withGroupId(groupPrefix + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST).fromTopics(Topics.USAGE_RECORDED);
    }

    /** Relay rounds until these rows are published: a round takes at most 100 of the oldest, others may be older. */
    private void roundsUntilPublished(long... rows) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            relay.publishPending().await().atMost(Duration.ofSeconds(30));
            for (long row : rows) {
                if (one("SELECT published_at::text FROM outbox WHERE id = ?", row) == null) {
                    return false;
                }
            }
            return true;
        });
    }

    /** A valid usage.recorded event about a charge no one settled, straight into the outbox; @return its row id */
    private long insertUsageEvent() throws Exception {
        String challengeId = UUID.randomUUID().toString().replace("-", "");
        var event = usage(UUID.randomUUID().toString(), challengeId, UsageOutcome.ABANDONED);
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(
                "INSERT INTO outbox (event_id, topic, message_key, payload) VALUES (?, ?, ?, ?) RETURNING id")) {
            ps.setObject(1, UUID.fromString(event.eventId()));
            ps.setString(2, Topics.USAGE_RECORDED);
            ps.setString(3, challengeId);
            ps.setString(4, EVENTS.writeValueAsString(event));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void update(String sql, long id) throws Exception {
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(sql)) {
            ps.setLong(1, id);
            assertEquals(1, ps.executeUpdate(), sql);
        }
    }

    private void delete(long id) throws Exception {
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private String one(String sql, Object param) throws Exception {
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
