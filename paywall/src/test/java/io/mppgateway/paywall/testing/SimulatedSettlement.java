package io.mppgateway.paywall.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.mppgateway.contracts.EventSchemaAssert;
import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.mockito.Mockito;
import org.mockito.invocation.Invocation;
import org.mockito.stubbing.Answer;

/**
 * For provider tests with payment-service mocked: a settlement that publishes its payments.settled event to the
 * real broker (as payment-service's outbox would), and a reader of the usage.recorded events that follow, as the
 * provider hands them to payment-service with its outcome reports (which payment-service writes to its outbox).
 */
public final class SimulatedSettlement {
    public static final String TX_HASH = "0x" + "ab".repeat(32);
    public static final String RECEIPT = "eyJyZWNlaXB0Ijp0cnVlfQ";
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public final String challengeId = UUID.randomUUID().toString().replace("-", "") + "abcdefghijk";
    public final String chargeId = UUID.randomUUID().toString();
    private final KafkaCompanion kafka;
    private final PaymentGateway payments;

    /** @param payments the test's mocked gateway, whose reports carry this settlement's usage events */
    public SimulatedSettlement(KafkaCompanion kafka, PaymentGateway payments) {
        this.kafka = kafka;
        this.payments = payments;
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
        return awaitReported(usage -> usage.outcome().name().equals(outcome), Duration.ofSeconds(20));
    }

    /** How many usage.recorded events this challenge has so far. */
    public long usageCount() {
        return reported().size();
    }

    /** The (first) usage.recorded event for this challenge, checked against its schema. */
    public JsonNode awaitUsage() throws Exception {
        return awaitReported(usage -> true, Duration.ofSeconds(15));
    }

    private JsonNode awaitReported(Predicate<UsageRecorded> which, Duration within) throws Exception {
        UsageRecorded recorded = await().atMost(within).until(
                () -> reported().stream().filter(which).findFirst().orElse(null), r -> r != null);
        String json = MAPPER.writeValueAsString(recorded);
        EventSchemaAssert.assertValid(Topics.USAGE_RECORDED, json);
        return MAPPER.readTree(json);
    }

    /** The usage events reported for this challenge so far, in order (the event payment-service would publish). */
    private List<UsageRecorded> reported() {
        List<UsageRecorded> events = new ArrayList<>();
        for (Invocation invocation : Mockito.mockingDetails(payments).getInvocations()) {
            if (invocation.getMethod().getName().equals("report") && challengeId.equals(invocation.getArgument(0))
                    && invocation.getArgument(1) instanceof ChargeOutcomeReport report && report.usage() != null) {
                events.add(report.usage());
            }
        }
        return events;
    }
}
