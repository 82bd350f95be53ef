package io.mppgateway.payment.settlement.messaging;

import java.time.Duration;

import io.mppgateway.contracts.Topics;
import io.mppgateway.payment.settlement.repository.OutboxRepository;
import io.mppgateway.payment.settlement.repository.OutboxRepository.OutboxEvent;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Relays committed outbox events (payments.settled, payments.refunded, and the usage.recorded events providers
 * report with their outcomes) to Kafka and marks them only once the broker acknowledged them, so a settlement
 * survives a broker outage and is published when the broker is back (consumers dedupe by event id).
 */
@ApplicationScoped
public class OutboxRelay {
    // longer than the producer's delivery.timeout.ms (10 s): an abandoned send could still be delivered later and then be
    // sent again by the next round, so every send is awaited until the producer itself gives up
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(20);

    private final OutboxRepository outbox;
    private final MutinyEmitter<String> settled;
    private final MutinyEmitter<String> refunded;
    private final MutinyEmitter<String> usage;

    public OutboxRelay(OutboxRepository outbox, @Channel("payments-settled") MutinyEmitter<String> settled,
            @Channel("payments-refunded") MutinyEmitter<String> refunded,
            @Channel("usage-recorded") MutinyEmitter<String> usage) {
        this.outbox = outbox;
        this.settled = settled;
        this.refunded = refunded;
        this.usage = usage;
    }

    // delayed: the Kafka emitters connect only after the scheduler starts
    @Scheduled(every = "${payment.outbox.poll-interval:1s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void relayPeriodically() {
        publishPending();
    }

    /** @return how many events were published */
    @Transactional
    public int publishPending() {
        int published = 0;
        for (OutboxEvent event : outbox.lockUnpublished(100)) {
            MutinyEmitter<String> emitter = switch (event.topic()) {
                case Topics.PAYMENTS_SETTLED -> settled;
                case Topics.PAYMENTS_REFUNDED -> refunded;
                case Topics.USAGE_RECORDED -> usage;
                default -> null;
            };
            if (emitter == null) {
                Log.errorf("outbox event %s has unknown topic %s", event.eventId(), event.topic());
                continue;
            }
            try {
                // published in the trace of the request that wrote it (its producer span's parent; traceparent header)
                emitter.sendMessage(Message.of(event.payload())
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build())
                        .addMetadata(TracingMetadata.withCurrent(event.restoredTraceContext())))
                        .await().atMost(ACK_TIMEOUT);
            } catch (RuntimeException e) {
                // the broker is unreachable: keep the rest for the next round, in order
                Log.warnf("outbox relay paused, %s not yet published: %s", event.eventId(), e.getMessage());
                break;
            }
            outbox.markPublished(event.id());
            published++;
        }
        return published;
    }
}
