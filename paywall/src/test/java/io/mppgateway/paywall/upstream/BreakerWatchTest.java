package io.mppgateway.paywall.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.smallrye.faulttolerance.api.CircuitBreakerState;

import org.junit.jupiter.api.Test;

/** Which paid calls may go to the upstream around an open circuit breaker, and what the others are told. */
class BreakerWatchTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final BreakerWatch watch = new BreakerWatch(Duration.ofSeconds(10), now::get);

    @Test
    void aClosedBreakerLetsEveryCallThrough() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Duration.ZERO, watch.downFor());
        }
        assertEquals(Duration.ZERO, watch.remaining());
    }

    @Test
    void anOpenBreakerTellsTheRestOfItsDelay() {
        watch.changed(CircuitBreakerState.OPEN);
        assertEquals(Duration.ofSeconds(10), watch.downFor());
        advance(Duration.ofMillis(7_500));
        assertEquals(Duration.ofMillis(2_500), watch.downFor());
        assertEquals(Duration.ofMillis(2_500), watch.remaining());
    }

    @Test
    void onceTheDelayIsOverOneCallIsTheProbeAndTheOthersComeBackInAMoment() {
        watch.changed(CircuitBreakerState.OPEN);
        advance(Duration.ofSeconds(10));
        assertEquals(Duration.ZERO, watch.downFor(), "the probe");
        assertEquals(BreakerWatch.PROBE_WAIT, watch.downFor());
        assertEquals(BreakerWatch.PROBE_WAIT, watch.downFor());
        // the probe made the breaker half-open: still one probe only
        watch.changed(CircuitBreakerState.HALF_OPEN);
        assertEquals(BreakerWatch.PROBE_WAIT, watch.downFor());
        assertEquals(BreakerWatch.PROBE_WAIT, watch.remaining());
        // it succeeded
        watch.changed(CircuitBreakerState.CLOSED);
        assertEquals(Duration.ZERO, watch.downFor());
        assertEquals(Duration.ZERO, watch.downFor());
    }

    @Test
    void aBreakerThatWentHalfOpenWithoutACallStillGetsItsProbe() {
        watch.changed(CircuitBreakerState.OPEN);
        watch.changed(CircuitBreakerState.HALF_OPEN);
        assertEquals(Duration.ZERO, watch.downFor(), "the probe");
        assertEquals(BreakerWatch.PROBE_WAIT, watch.downFor());
    }

    @Test
    void aProbeThatNeverReachedTheUpstreamIsReplaced() {
        watch.changed(CircuitBreakerState.OPEN);
        advance(Duration.ofSeconds(10));
        assertEquals(Duration.ZERO, watch.downFor(), "the probe (its credential is then refused, say)");
        advance(BreakerWatch.PROBE_TIMEOUT);
        assertEquals(BreakerWatch.PROBE_WAIT, watch.downFor());
        advance(Duration.ofMillis(1));
        assertEquals(Duration.ZERO, watch.downFor(), "the next probe");
        assertEquals(BreakerWatch.PROBE_WAIT, watch.downFor());
    }

    @Test
    void aFailedProbeOpensTheBreakerForItsWholeDelayAgain() {
        watch.changed(CircuitBreakerState.OPEN);
        advance(Duration.ofSeconds(10));
        assertEquals(Duration.ZERO, watch.downFor());
        watch.changed(CircuitBreakerState.HALF_OPEN);
        watch.changed(CircuitBreakerState.OPEN);
        assertEquals(Duration.ofSeconds(10), watch.downFor());
        advance(Duration.ofSeconds(10));
        assertEquals(Duration.ZERO, watch.downFor(), "a new probe after the new delay");
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }
}
