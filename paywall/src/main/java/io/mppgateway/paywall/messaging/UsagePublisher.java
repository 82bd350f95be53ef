package io.mppgateway.paywall.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageRecorded;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes usage.recorded, keyed by challenge id, off the response path. */
@ApplicationScoped
public class UsagePublisher {
    private final MutinyEmitter<String> usage;
    private final ObjectMapper mapper;

    public UsagePublisher(@Channel("usage-recorded") MutinyEmitter<String> usage, ObjectMapper mapper) {
        this.usage = usage;
        this.mapper = mapper;
    }

    public void publish(UsageRecorded event) {
        String json;
        try {
            json = mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        usage.sendMessage(Message.of(json).addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withKey(event.challengeId()).build()))
                .subscribe().with(ok -> {
                }, failure -> Log.errorf("usage.recorded for %s not published: %s", event.challengeId(),
                        failure.getMessage()));
    }
}
