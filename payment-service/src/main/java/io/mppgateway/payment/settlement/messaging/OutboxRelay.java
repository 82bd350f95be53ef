package io.mppgateway.payment.settlement.messaging;

import java.time.Duration;
import java.util.List;

import io.mppgateway.contracts.Topics;
import io.mppgateway.payment.common.db.Transactions;
import io.mppgateway.payment.settlement.repository.OutboxRepository;
import io.mppgateway.payment.settlement.repository.OutboxRepository.OutboxEvent;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Relays committed outbox events (payments.settled, payments.refunded, and the usage.recorded events providers
 * report with their outcomes) to Kafka and marks them only once the broker acknowledged them, so a settlement
 * survives a broker outage and is published when the broker is back (consumers dedupe by event id). One round is
 * one transaction: the events are locked (SKIP LOCKED: replicas relay side by side), sent one after the other, each
 * marked once its send completed, and the marks commit when the round ends.
 */
@ApplicationScoped
public class OutboxRelay {
    // longer than the producer's delivery.timeout.ms (10 s): an abandoned send could still be delivered later and then be
    // sent again by the next round, so every send is awaited until the producer itself gives up
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(20);

    private final Transactions transactions;
    private final OutboxRepository outbox;
    private final MutinyEmitter<String> settled;
    private final MutinyEmitter<String> refunded;
    private final MutinyEmitter<String> usage;

    public OutboxRelay(Transactions transactions, OutboxRepository outbox,
            @Channel("payments-settled") MutinyEmitter<String> settled,
            @Channel("payments-refunded") MutinyEmitter<String> refunded,
            @Channel("usage-recorded") MutinyEmitter<String> usage) {
        this.transactions = transactions;
        this.outbox = outbox;
        this.settled = settled;
        this.refunded = refunded;
        this.usage = usage;
    }

    // delayed: the Kafka emitters connect only after the scheduler starts
    @Scheduled(every = "${payment.outbox.poll-interval:1s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> relayPeriodically() {
        return publishPending().replaceWithVoid();
    }

    /** @return how many events were published */
    public Uni<Integer> publishPending() {
        return transactions.run(tx -> outbox.lockUnpublished(tx, 100).chain(events -> publish(tx, events, 0, 0)));
    }

    /** Sends the events from {@code next} on, in order, until one cannot be sent. */
    private Uni<Integer> publish(SqlClient tx, List<OutboxEvent> events, int next, int published) {
        if (next == events.size()) {
            return Uni.createFrom().item(published);
        }
        OutboxEvent event = events.get(next);
        MutinyEmitter<String> emitter = switch (event.topic()) {
            case Topics.PAYMENTS_SETTLED -> settled;
            case Topics.PAYMENTS_REFUNDED -> refunded;
            case Topics.USAGE_RECORDED -> usage;
            default -> null;
        };
        if (emitter == null) {
            Log.errorf("outbox event %s has unknown topic %s", event.eventId(), event.topic());
            return publish(tx, events, next + 1, published);
        }
        // published in the trace of the request that wrote it (its producer span's parent; traceparent header)
        return Uni.createFrom().deferred(() -> emitter.sendMessage(Message.of(event.payload())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build())
                .addMetadata(TracingMetadata.withCurrent(event.restoredTraceContext()))))
                .ifNoItem().after(ACK_TIMEOUT).fail()
                .onItemOrFailure().transformToUni((sent, failure) -> {
                    if (failure != null) {
                        // the broker is unreachable: keep the rest for the next round, in order
                        Log.warnf("outbox relay paused, %s not yet published: %s", event.eventId(),
                                failure.getMessage());
                        return Uni.createFrom().item(published);
                    }
                    return outbox.markPublished(tx, event.id()).chain(() -> publish(tx, events, next + 1,
                            published + 1));
                });
    }
}
