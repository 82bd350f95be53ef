package io.mppgateway.paywall.messaging;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.PaymentSettled;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Releases held requests on the fact: a request waits until the payments.settled event for its challenge is
 * consumed. Every replica reads every partition (a consumer group of its own), so whichever replica holds the
 * request sees the event.
 */
@ApplicationScoped
public class SettlementAwaiter {
    private final Map<String, CompletableFuture<PaymentSettled>> waiting = new ConcurrentHashMap<>();
    private final ObjectMapper mapper;

    public SettlementAwaiter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Registers interest before settling, so an event that arrives first is not missed. */
    public CompletableFuture<PaymentSettled> expect(String challengeId) {
        return waiting.computeIfAbsent(challengeId, id -> new CompletableFuture<>());
    }

    public void forget(String challengeId) {
        waiting.remove(challengeId);
    }

    @Incoming("payments-settled-release")
    public void onSettled(String json) {
        PaymentSettled event;
        try {
            event = mapper.readValue(json, PaymentSettled.class);
        } catch (Exception e) {
            Log.errorf("unreadable payments.settled event skipped: %s", e.getMessage());
            return;
        }
        CompletableFuture<PaymentSettled> held = waiting.remove(event.challengeId());
        if (held != null) {
            held.complete(event);
        }
    }
}
