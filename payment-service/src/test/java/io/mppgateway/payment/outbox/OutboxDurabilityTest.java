package io.mppgateway.payment.outbox;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.mppgateway.contracts.Topics;
import io.mppgateway.payment.mpp.AttributionMemo;
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
 * With the (real, private) Kafka broker stopped, a settlement still commits and the buyer gets its answer; once the
 * broker is back, the outbox publishes the payments.settled event exactly once.
 */
@QuarkusTest
@TestProfile(OutboxDurabilityTest.OwnBroker.class)
class OutboxDurabilityTest {
    @Inject
    DataSource dataSource;

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

    private String one(String sql, String param) throws Exception {
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(sql)) {
            ps.setString(1, param);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
