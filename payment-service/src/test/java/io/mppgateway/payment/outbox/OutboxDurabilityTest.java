package io.mppgateway.payment.outbox;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.mppgateway.contracts.EventSchemaAssert;
import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.settlement.messaging.OutboxRelay;
import io.mppgateway.payment.testsupport.DevChain;
import io.mppgateway.payment.testsupport.SecondKafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.junit.jupiter.api.Test;

/**
 * With the (real, private) Kafka broker stopped, a settlement still commits and the buyer gets its answer, and
 * outcome reports still record their usage events; once the broker is back, the outbox publishes each
 * payments.settled and usage.recorded event exactly once.
 */
@QuarkusTest
@TestProfile(OutboxDurabilityTest.OwnBroker.class)
class OutboxDurabilityTest {
    @Inject
    DataSource dataSource;
    @Inject
    OutboxRelay relay;

    public static class OwnBroker implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SecondKafkaBroker.class));
        }
    }

    @Test
    void aSettlementDuringABrokerOutageIsPublishedExactlyOnceWhenTheBrokerIsBack() throws Exception {
        SecondKafkaBroker broker = SecondKafkaBroker.current();
        long amount = 5_500;
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, id));

        broker.down();
        long started = System.nanoTime();
        settle(pushCredential(challenge, hash, DevChain.PAYER), amount).then().statusCode(200)
                .body("txHash", equalTo(hash));
        long waitedMs = (System.nanoTime() - started) / 1_000_000;
        org.junit.jupiter.api.Assertions.assertTrue(waitedMs < 15_000, "the buyer's call waited " + waitedMs + " ms");
        assertEquals("settled", one("SELECT status FROM charges WHERE challenge_id = ?", id));
        Thread.sleep(2_000); // a few relay rounds against the dead broker
        assertNull(one("SELECT published_at::text FROM outbox WHERE message_key = ?", id), "not published yet");

        broker.up();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> one("SELECT published_at::text FROM outbox WHERE message_key = ?", id) != null);
        try (KafkaCompanion kafka = new KafkaCompanion(broker.bootstrap())) {
            ConsumerTask<String, String> settled = kafka.consumeStrings()
                    .withGroupId("durability-" + UUID.randomUUID()).withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.PAYMENTS_SETTLED);
            ConsumerRecord<String, String> first = await().atMost(Duration.ofSeconds(30)).until(
                    () -> settled.getRecords().stream().filter(r -> id.equals(r.key())).findFirst().orElse(null),
                    r -> r != null);
            assertNotNull(first);
            Thread.sleep(3_000); // more relay rounds: nothing is sent twice
            assertEquals(1, settled.getRecords().stream().filter(r -> id.equals(r.key())).count());
            settled.stop();
        }
    }

    /**
     * While the broker is away, settlements leave their events to the relay's rounds: the first one's own publication
     * fails and hands its row over (its lease ends), the later ones write theirs unleased instead of each waiting for
     * the producer to give up, so that the rounds publish all of them as soon as the broker is back (a leased row would
     * wait for its lease to end), each exactly once.
     */
    @Test
    void settlementsDuringABrokerOutageLeaveTheirEventsToTheRelay() throws Exception {
        SecondKafkaBroker broker = SecondKafkaBroker.current();
        long amount = 5_600;
        List<Map<String, String>> challenges = new java.util.ArrayList<>();
        List<String> hashes = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Map<String, String> challenge = issue(amount);
            challenges.add(challenge);
            hashes.add(DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                    AttributionMemo.encode(REALM, challenge.get("id"))));
        }
        broker.down();
        try {
            settle(pushCredential(challenges.get(0), hashes.get(0), DevChain.PAYER), amount).then().statusCode(200);
            // its own publication (or a round's) fails once the producer gives up on the dead broker
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(relay::ownPublishPaused);
            List<java.util.concurrent.CompletableFuture<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 1; i < 6; i++) {
                int n = i;
                answers.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> settle(pushCredential(
                        challenges.get(n), hashes.get(n), DevChain.PAYER), amount).statusCode()));
            }
            for (var answer : answers) {
                assertEquals(200, answer.get());
            }
            // the first one's own publication may still be waiting for the producer to give up (a round's failure
            // can pause own publications first); a lease lasts 60 s, longer than this wait
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                for (Map<String, String> c : challenges) {
                    if (!"unleased".equals(one("SELECT CASE WHEN published_at IS NOT NULL THEN 'published'"
                            + " WHEN publish_lease_until IS NULL THEN 'unleased' ELSE 'leased' END FROM outbox"
                            + " WHERE topic = 'payments.settled' AND message_key = ?", c.get("id")))) {
                        return false;
                    }
                }
                return true;
            });
        } finally {
            broker.up();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> challenges.stream()
                .allMatch(c -> published(Topics.PAYMENTS_SETTLED, c.get("id"))));
        await().atMost(Duration.ofSeconds(30)).until(() -> !relay.ownPublishPaused());
        try (KafkaCompanion kafka = new KafkaCompanion(broker.bootstrap())) {
            ConsumerTask<String, String> settled = kafka.consumeStrings()
                    .withGroupId("durability-" + UUID.randomUUID()).withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.PAYMENTS_SETTLED);
            await().atMost(Duration.ofSeconds(30)).until(() -> challenges.stream().allMatch(
                    c -> settled.getRecords().stream().anyMatch(r -> c.get("id").equals(r.key()))));
            Thread.sleep(2_000); // more relay rounds: nothing is sent twice
            for (Map<String, String> c : challenges) {
                assertEquals(1, settled.getRecords().stream().filter(r -> c.get("id").equals(r.key())).count(),
                        "settled events of " + c.get("id"));
            }
            settled.stop();
        }
    }

    /**
     * Providers report outcomes (with their usage events) while the broker is down: every report is answered, each
     * usage event waits in the outbox, a repeated report (a provider retrying after a lost answer) writes no second
     * one, and once the broker is back each reaches usage.recorded exactly once.
     */
    @Test
    void usageReportedDuringABrokerOutageIsPublishedExactlyOnceWhenTheBrokerIsBack() throws Exception {
        SecondKafkaBroker broker = SecondKafkaBroker.current();
        long amount = 5_700;
        List<String> challenges = new java.util.ArrayList<>();
        List<String> hashes = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, String> challenge = issue(amount);
            challenges.add(challenge.get("id"));
            hashes.add(DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                    AttributionMemo.encode(REALM, challenge.get("id"))));
            settle(pushCredential(challenge, hashes.get(i), DevChain.PAYER), amount).then().statusCode(200);
        }

        broker.down();
        Map<String, String> eventIds = new java.util.HashMap<>();
        for (String id : challenges) {
            String chargeId = one("SELECT charge_id::text FROM charges WHERE challenge_id = ?", id);
            UsageRecorded usage = usage(chargeId, id, UsageOutcome.FULFILLED);
            eventIds.put(id, usage.eventId());
            report(id, new ChargeOutcomeReport(UsageOutcome.FULFILLED, usage)).then().statusCode(204);
            // the same report again, and a retry that built its event anew: neither writes a second event
            report(id, new ChargeOutcomeReport(UsageOutcome.FULFILLED, usage)).then().statusCode(204);
            report(id, new ChargeOutcomeReport(UsageOutcome.FULFILLED, usage(chargeId, id, UsageOutcome.FULFILLED)))
                    .then().statusCode(204);
            assertEquals("fulfilled", one("SELECT status FROM charges WHERE challenge_id = ?", id));
            assertEquals("1", one("SELECT count(*)::text FROM outbox WHERE topic = 'usage.recorded' AND message_key = ?",
                    id));
        }
        Thread.sleep(2_000); // a few relay rounds against the dead broker
        for (String id : challenges) {
            assertNull(one("SELECT published_at::text FROM outbox WHERE topic = 'usage.recorded' AND message_key = ?",
                    id), "not published yet");
        }

        broker.up();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> challenges.stream()
                .allMatch(id -> published(Topics.USAGE_RECORDED, id)));
        try (KafkaCompanion kafka = new KafkaCompanion(broker.bootstrap())) {
            ConsumerTask<String, String> usage = kafka.consumeStrings()
                    .withGroupId("durability-" + UUID.randomUUID()).withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.USAGE_RECORDED);
            await().atMost(Duration.ofSeconds(30)).until(() -> challenges.stream().allMatch(
                    id -> usage.getRecords().stream().anyMatch(r -> id.equals(r.key()))));
            Thread.sleep(3_000); // more relay rounds: nothing is sent twice
            for (String id : challenges) {
                List<ConsumerRecord<String, String>> records = usage.getRecords().stream()
                        .filter(r -> id.equals(r.key())).toList();
                assertEquals(1, records.size(), "usage events of " + id);
                EventSchemaAssert.assertValid(Topics.USAGE_RECORDED, records.get(0).value());
                assertTrue(records.get(0).value().contains("\"eventId\":\"" + eventIds.get(id) + "\""),
                        records.get(0).value());
            }
            usage.stop();
        }
    }

    /** A usage event about another charge than the one reported is refused, and nothing changes. */
    @Test
    void usageAboutAnotherChargeIsRefused() throws Exception {
        long amount = 5_800;
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, id));
        settle(pushCredential(challenge, hash, DevChain.PAYER), amount).then().statusCode(200);
        String chargeId = one("SELECT charge_id::text FROM charges WHERE challenge_id = ?", id);
        report(id, new ChargeOutcomeReport(UsageOutcome.FULFILLED,
                usage(UUID.randomUUID().toString(), id, UsageOutcome.FULFILLED))).then().statusCode(400);
        report(id, new ChargeOutcomeReport(UsageOutcome.FULFILLED,
                usage(chargeId, id, UsageOutcome.UPSTREAM_FAILED))).then().statusCode(400);
        assertEquals("settled", one("SELECT status FROM charges WHERE challenge_id = ?", id));
        assertEquals("0", one("SELECT count(*)::text FROM outbox WHERE topic = 'usage.recorded' AND message_key = ?",
                id));
    }

    /** Whether the challenge's event on this topic has been published (from the outbox). */
    private boolean published(String topic, String challengeId) {
        try {
            return one("SELECT published_at::text FROM outbox WHERE topic = '" + topic + "' AND message_key = ?",
                    challengeId) != null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String one(String sql, String param) throws Exception {
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(sql)) {
            ps.setString(1, param);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
