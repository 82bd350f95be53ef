package io.mppgateway.paywall.messaging;

import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.PaymentSettled;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Releases held requests on the fact: a request waits until the payments.settled event for its challenge is
 * consumed. Every replica reads every partition (a consumer group of its own), so whichever replica holds the
 * request sees the event.
 * <p>
 * Every presentation of a credential gets a {@link Release} of its own: several requests may present one credential
 * at once (one is served, payment-service answers the others 409), and none of them may take another's release
 * away when it gives up. An event that arrives before a request registers (a settlement answer slower than the
 * broker) is remembered for {@link #REMEMBERED_NANOS}, so a late registration is released at once.
 */
@ApplicationScoped
public class SettlementAwaiter {
    /** How long a consumed settlement is remembered for requests that register after it arrived. */
    static final long REMEMBERED_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** At most this many remembered settlements (about 100 bytes each); the oldest are dropped first. */
    static final int REMEMBERED_MAX = 200_000;

    private final Map<String, Set<Release>> waiting = new ConcurrentHashMap<>();
    private final Map<String, Long> recentlySettled = new ConcurrentHashMap<>();
    private final Queue<Remembered> rememberedInOrder = new ConcurrentLinkedQueue<>();
    private final AtomicInteger rememberedCount = new AtomicInteger();
    private final ObjectMapper mapper;

    public SettlementAwaiter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Registers one request's interest in a challenge's settlement; call it before settling, so that an event that
     * arrives first is not missed, and {@link #forget(Release)} it when the request no longer waits.
     */
    public Release expect(String challengeId) {
        Release release = new Release(challengeId);
        if (recentlySettled.containsKey(challengeId)) {
            release.settled.complete(challengeId);
            return release;
        }
        waiting.compute(challengeId, (id, releases) -> {
            Set<Release> held = releases == null ? ConcurrentHashMap.newKeySet() : releases;
            held.add(release);
            return held;
        });
        // the event may have been consumed between the look-up above and the registration
        if (recentlySettled.containsKey(challengeId)) {
            release.settled.complete(challengeId);
            forget(release);
        }
        return release;
    }

    /** This request no longer waits; other requests waiting for the same challenge are not affected. */
    public void forget(Release release) {
        if (release == null) {
            return;
        }
        waiting.computeIfPresent(release.challengeId, (id, releases) -> {
            releases.remove(release);
            return releases.isEmpty() ? null : releases;
        });
    }

    /** How many requests wait for a settlement right now (for tests and metrics). */
    public int waitingCount() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    // on the consumer's event loop: a parse and two map operations, nothing that blocks; without it Quarkus hands each
    // event to a worker thread first (a void method counts as blocking), on the release's critical path
    @Incoming("payments-settled-release")
    @NonBlocking
    public void onSettled(String json) {
        PaymentSettled event;
        try {
            event = mapper.readValue(json, PaymentSettled.class);
        } catch (Exception e) {
            Log.errorf("unreadable payments.settled event skipped: %s", e.getMessage());
            return;
        }
        settled(event.challengeId());
    }

    /** Releases every request waiting for this challenge, and any that registers within the memory window. */
    void settled(String challengeId) {
        if (challengeId == null) {
            return;
        }
        remember(challengeId);
        Set<Release> held = waiting.remove(challengeId);
        if (held != null) {
            held.forEach(release -> release.settled.complete(challengeId));
        }
    }

    private void remember(String challengeId) {
        long now = System.nanoTime();
        recentlySettled.put(challengeId, now);
        rememberedInOrder.add(new Remembered(challengeId, now));
        rememberedCount.incrementAndGet();
        Remembered oldest;
        while ((oldest = rememberedInOrder.peek()) != null
                && (now - oldest.at > REMEMBERED_NANOS || rememberedCount.get() > REMEMBERED_MAX)) {
            // one consumer thread calls this, so the head polled is the one looked at
            rememberedInOrder.poll();
            rememberedCount.decrementAndGet();
            recentlySettled.remove(oldest.challengeId, oldest.at);
        }
    }

    private record Remembered(String challengeId, long at) {
    }

    /** One request's wait for one challenge's settlement; completes with the challenge id. */
    public static final class Release {
        private final String challengeId;
        private final CompletableFuture<String> settled = new CompletableFuture<>();

        private Release(String challengeId) {
            this.challengeId = challengeId;
        }

        public String challengeId() {
            return challengeId;
        }

        public CompletableFuture<String> settled() {
            return settled;
        }
    }
}
