package io.mppgateway.payment.settlement.messaging;

import java.time.Duration;

import io.mppgateway.contracts.Topics;
import io.mppgateway.payment.settlement.repository.OutboxRepository;
import io.mppgateway.payment.settlement.repository.OutboxRepository.OutboxEvent;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Relays committed outbox events to Kafka and marks them only once the broker acknowledged them, so a settlement
 * survives a broker outage and is published when the broker is back (consumers dedupe by event id).
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final OutboxRepository outbox;
    private final MutinyEmitter<String> settled;

    public OutboxRelay(OutboxRepository outbox, @Channel("payments-settled") MutinyEmitter<String> settled) {
        this.outbox = outbox;
        this.settled = settled;
    }

    @Scheduled(every = "${payment.outbox.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void relayPeriodically() {
        publishPending();
    }

    /** @return how many events were published */
    @Transactional
    public int publishPending() {
        int published = 0;
        for (OutboxEvent event : outbox.lockUnpublished(100)) {
            if (!Topics.PAYMENTS_SETTLED.equals(event.topic())) {
                Log.errorf("outbox event %s has unknown topic %s", event.eventId(), event.topic());
                continue;
            }
            try {
                settled.sendMessage(Message.of(event.payload()).addMetadata(
                        OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build()))
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
