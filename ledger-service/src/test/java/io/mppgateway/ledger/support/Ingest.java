package io.mppgateway.ledger.support;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.mppgateway.contracts.Topics;
import io.mppgateway.ledger.ingest.messaging.LedgerEventConsumer;
import io.mppgateway.ledger.ingest.service.EventKind;

/** Books events straight through the consumer (no broker), as one batch per call, and waits for the commit. */
public final class Ingest {
    private static final AtomicLong OFFSETS = new AtomicLong();

    private Ingest() {
    }

    /** Each event in a batch of its own, one after another. */
    public static void book(LedgerEventConsumer consumer, TestEvents.Event<?>... events) {
        for (TestEvents.Event<?> e : events) {
            batch(consumer, List.of(e));
        }
    }

    /** Events of ONE topic booked in one batch (one database transaction), in the given order. */
    public static void batch(LedgerEventConsumer consumer, List<? extends TestEvents.Event<?>> events) {
        if (!events.isEmpty()) {
            start(consumer, events).toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
        }
    }

    /** Like {@link #batch}, without waiting: the booking runs (and commits) when the stage completes. */
    public static CompletionStage<Void> start(LedgerEventConsumer consumer, List<? extends TestEvents.Event<?>> events) {
        String topic = events.get(0).topic();
        List<ConsumerRecord<String, String>> records = events.stream().map(e -> {
            if (!e.topic().equals(topic)) {
                throw new IllegalArgumentException("a batch holds one topic: " + topic + " and " + e.topic());
            }
            return new ConsumerRecord<>(topic, 0, OFFSETS.incrementAndGet(), e.challengeId(), e.json());
        }).toList();
        return consumer.book(kind(topic), records).subscribeAsCompletionStage();
    }

    public static EventKind kind(String topic) {
        return switch (topic) {
            case Topics.PAYMENTS_SETTLED -> EventKind.SETTLEMENT;
            case Topics.USAGE_RECORDED -> EventKind.USAGE;
            case Topics.PAYMENTS_REFUNDED -> EventKind.REFUND;
            default -> throw new IllegalArgumentException(topic);
        };
    }
}
