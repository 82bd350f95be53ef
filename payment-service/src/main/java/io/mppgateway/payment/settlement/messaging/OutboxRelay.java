package io.mppgateway.payment.settlement.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

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
 * survives a broker outage and is published when the broker is back (consumers dedupe by event id). A round is one
 * transaction: the events are locked (SKIP LOCKED: replicas and the scheduled round work side by side and never send
 * one row twice), all sent at once in order, every acknowledgement awaited, and the acknowledged ones marked in one
 * statement that commits with the round. A settlement publishes its own settled event at once with no transaction
 * ({@link #publishLeased}): the row is written leased to it, and rounds leave it alone while the lease lasts. A send
 * that failed leaves its row unpublished for the next round.
 */
@ApplicationScoped
public class OutboxRelay {
    // longer than the producer's delivery.timeout.ms (10 s): an abandoned send could still be delivered later and then be
    // sent again by the next round, so every send is awaited until the producer itself gives up
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(20);
    private static final int ROUND_SIZE = 100;
    /**
     * While the last send failed and no send has succeeded since (the broker is away), settlements write their events
     * unleased and leave them to the rounds: each own publication would wait for the broker until the producer gives
     * up (delivery.timeout.ms), and its row would then wait for the rounds anyway. A failure older than this no longer
     * counts (rounds retry every second; during an outage they keep failing).
     */
    static final long FAILURE_MEMORY_NANOS = Duration.ofSeconds(30).toNanos();

    private final AtomicLong lastSendFailed = new AtomicLong(System.nanoTime() - FAILURE_MEMORY_NANOS);
    private final AtomicLong lastSendSucceeded = new AtomicLong(System.nanoTime());

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

    /** One round over the oldest unpublished events (of every writer). @return how many events were published */
    public Uni<Integer> publishPending() {
        return transactions.run(tx -> outbox.lockUnpublished(tx, ROUND_SIZE).chain(events -> publish(tx, events)));
    }

    /**
     * A writer's own publication of the event it just committed leased to itself (see
     * {@link OutboxRepository#insertFor}): sent at once, with no transaction or row lock (relay rounds leave a leased
     * row alone), then marked published; a send that fails ends the lease, and the rounds take the row.
     *
     * @return whether it was published
     */
    public Uni<Boolean> publishLeased(OutboxEvent event) {
        return send(event).chain(failure -> {
            if (failure.isPresent()) {
                lastSendFailed.set(System.nanoTime());
                Log.warnf("outbox: event %s not yet published (%s); the relay will", event.eventId(), failure.get());
                return outbox.endLease(transactions.autoCommit(), event.id()).replaceWith(false);
            }
            lastSendSucceeded.set(System.nanoTime());
            return outbox.markPublished(transactions.autoCommit(), List.of(event.id())).replaceWith(true);
        });
    }

    /** Whether settlements currently leave their events to the rounds (the broker seems away). */
    public boolean ownPublishPaused() {
        long failed = lastSendFailed.get();
        return failed - lastSendSucceeded.get() > 0 && System.nanoTime() - failed < FAILURE_MEMORY_NANOS;
    }

    /** Sends every locked event now, in order, then awaits every acknowledgement and marks the acknowledged ones. */
    private Uni<Integer> publish(SqlClient tx, List<OutboxEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Uni<Optional<String>>> acks = new ArrayList<>(events.size());
        for (OutboxEvent event : events) {
            acks.add(send(event));
        }
        return Uni.join().all(acks).andFailFast().chain(outcomes -> {
            List<Long> published = new ArrayList<>();
            String firstFailure = null;
            for (int i = 0; i < events.size(); i++) {
                if (outcomes.get(i).isEmpty()) {
                    published.add(events.get(i).id());
                } else if (firstFailure == null) {
                    firstFailure = events.get(i).eventId() + ": " + outcomes.get(i).get();
                }
            }
            if (firstFailure != null) {
                // e.g. the broker is unreachable: those rows stay for the next round, and until a send succeeds
                // settlements leave theirs to the rounds too
                lastSendFailed.set(System.nanoTime());
                Log.warnf("outbox: %d of %d events not yet published (%s)", events.size() - published.size(),
                        events.size(), firstFailure);
            }
            if (!published.isEmpty()) {
                lastSendSucceeded.set(System.nanoTime());
            }
            return outbox.markPublished(tx, published).replaceWith(published.size());
        });
    }

    /**
     * Hands the event to the producer at once (the sends of one publication keep their order), then awaits the
     * broker's acknowledgement for up to {@link #ACK_TIMEOUT}. @return empty once acknowledged, else why not (never a
     * failure)
     */
    private Uni<Optional<String>> send(OutboxEvent event) {
        MutinyEmitter<String> emitter = switch (event.topic()) {
            case Topics.PAYMENTS_SETTLED -> settled;
            case Topics.PAYMENTS_REFUNDED -> refunded;
            case Topics.USAGE_RECORDED -> usage;
            default -> null;
        };
        if (emitter == null) {
            Log.errorf("outbox event %s has unknown topic %s", event.eventId(), event.topic());
            return Uni.createFrom().item(Optional.of("unknown topic " + event.topic()));
        }
        CompletableFuture<Void> sending;
        try {
            // published in the trace of the request that wrote it (its producer span's parent; traceparent header);
            // subscribed here, so it is sent now rather than when the acknowledgements are awaited
            sending = emitter.sendMessage(Message.of(event.payload())
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build())
                    .addMetadata(TracingMetadata.withCurrent(event.restoredTraceContext())))
                    .subscribeAsCompletionStage();
        } catch (RuntimeException e) {
            sending = CompletableFuture.failedFuture(e);
        }
        return Uni.createFrom().completionStage(sending)
                .ifNoItem().after(ACK_TIMEOUT).fail()
                .onItemOrFailure().transform((sent, failure) -> failure == null ? Optional.<String>empty()
                        : Optional.of(String.valueOf(failure.getMessage())));
    }
}
