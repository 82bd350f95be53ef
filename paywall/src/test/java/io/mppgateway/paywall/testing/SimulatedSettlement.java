package io.mppgateway.paywall.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.mppgateway.contracts.EventSchemaAssert;
import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.mockito.stubbing.Answer;

/**
 * For provider tests with payment-service mocked: a settlement that publishes its payments.settled event to the
 * real broker (as payment-service's outbox would), and a reader of the usage.recorded event that follows.
 */
public final class SimulatedSettlement {
    public static final String TX_HASH = "0x" + "ab".repeat(32);
    public static final String RECEIPT = "eyJyZWNlaXB0Ijp0cnVlfQ";
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public final String challengeId = UUID.randomUUID().toString().replace("-", "") + "abcdefghijk";
    public final String chargeId = UUID.randomUUID().toString();
    private final KafkaCompanion kafka;
    private final ConsumerTask<String, String> usage;

    public SimulatedSettlement(KafkaCompanion kafka) {
        this.kafka = kafka;
        this.usage = kafka.consumeStrings().withGroupId("provider-test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST).fromTopics(Topics.USAGE_RECORDED);
    }

    /** An {@code Authorization} value whose credential echoes this challenge id. */
    public String credential() {
        return "Payment " + Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"challenge\":{\"id\":\"" + challengeId + "\"},\"payload\":{}}").getBytes());
    }

    /** A mocked {@code PaymentGateway.settle} answer: publish the settled event, then report success. */
    public Answer<Uni<SettlementOutcome>> settles(String provider, String route, long amount) {
        return invocation -> Uni.createFrom().item(() -> {
            publishSettled(provider, route, amount);
            return settled(amount);
        });
    }

    /** This challenge's payments.settled event on the real broker, as payment-service's outbox publishes it. */
    public void publishSettled(String provider, String route, long amount) {
        PaymentSettled event = new PaymentSettled(UUID.randomUUID().toString(), chargeId, challengeId, provider,
                route, provider + ".mppgateway.local", amount, "0x20c0000000000000000000000000000000000000", 1337,
                TX_HASH, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
                "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "push", null, Instant.now(), java.util.List.of());
        try {
            kafka.produceStrings().fromRecords(new ProducerRecord<>(Topics.PAYMENTS_SETTLED, challengeId,
                    MAPPER.writeValueAsString(event))).awaitCompletion();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What payment-service answers for a settled charge of this challenge. */
    public SettlementOutcome.Settled settled(long amount) {
        return new SettlementOutcome.Settled(new SettlementResponse(chargeId, challengeId, TX_HASH,
                "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", amount, "push", RECEIPT));
    }

    /**
     * A mocked {@code PaymentGateway.settle} answer for a credential whose charge was not delivered before:
     * payment-service releases it again ({@code redeemed}) and publishes no new payments.settled event.
     */
    public Answer<Uni<SettlementOutcome>> redeems(long amount) {
        return invocation -> Uni.createFrom().item(redeemed(amount));
    }

    /** What payment-service answers when it releases this challenge's undelivered charge again. */
    public SettlementOutcome.Settled redeemed(long amount) {
        return new SettlementOutcome.Settled(new SettlementResponse(chargeId, challengeId, TX_HASH,
                "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", amount, "push", RECEIPT, true));
    }

    /** The usage.recorded event of this challenge with this outcome (there may be several), schema-checked. */
    public JsonNode awaitUsage(String outcome) throws Exception {
        ConsumerRecord<String, String> recorded = await().atMost(Duration.ofSeconds(20)).until(
                () -> usage.getRecords().stream().filter(r -> challengeId.equals(r.key())
                        && r.value().contains("\"outcome\":\"" + outcome + "\"")).findFirst().orElse(null),
                r -> r != null);
        EventSchemaAssert.assertValid(Topics.USAGE_RECORDED, recorded.value());
        return MAPPER.readTree(recorded.value());
    }

    /** How many usage.recorded events this challenge has so far. */
    public long usageCount() {
        return usage.getRecords().stream().filter(r -> challengeId.equals(r.key())).count();
    }

    /** The usage.recorded event for this challenge, checked against its schema. */
    public JsonNode awaitUsage() throws Exception {
        ConsumerRecord<String, String> recorded = await().atMost(Duration.ofSeconds(15)).until(
                () -> usage.getRecords().stream().filter(r -> challengeId.equals(r.key())).findFirst().orElse(null),
                r -> r != null);
        usage.stop();
        EventSchemaAssert.assertValid(Topics.USAGE_RECORDED, recorded.value());
        return MAPPER.readTree(recorded.value());
    }
}
