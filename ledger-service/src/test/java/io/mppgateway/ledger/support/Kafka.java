package io.mppgateway.ledger.support;

import java.time.Duration;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.mppgateway.contracts.testing.LocalStack;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Produces test events to the real local broker, the same one the application consumes from. */
public final class Kafka {
    private static KafkaCompanion companion;

    private Kafka() {
    }

    private static synchronized KafkaCompanion companion() {
        if (companion == null) {
            companion = new KafkaCompanion(LocalStack.KAFKA);
        }
        return companion;
    }

    /** Sends the event keyed by its challenge id, as producers do, and waits for the broker's ack. */
    public static void send(TestEvents.Event<?> event) {
        send(event.topic(), event.challengeId(), event.json());
    }

    public static void send(String topic, String key, String value) {
        companion().produceStrings()
                .fromRecords(new ProducerRecord<>(topic, key, value))
                .awaitCompletion(Duration.ofSeconds(30));
    }
}
