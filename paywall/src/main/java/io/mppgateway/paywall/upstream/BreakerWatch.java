package io.mppgateway.paywall.upstream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.smallrye.faulttolerance.api.CircuitBreakerState;

/**
 * What one upstream circuit breaker means for a paid call about to be settled: whether the call would only meet the
 * breaker (then it is not worth a payment or a redemption) and for how long. While the breaker is open: the rest of
 * its delay. Once the delay is over (whether the breaker already went half-open or waits for a call to do so), one
 * call is let through as the probe that decides, and the others are told to come back in a moment — the breaker
 * would refuse them beside the probe. A probe that never reaches the upstream (its credential was refused, its buyer
 * left) is replaced after {@link #PROBE_TIMEOUT}.
 */
final class BreakerWatch {
    static final Duration PROBE_WAIT = Duration.ofSeconds(1);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final long CLOSED = 0;
    private static final long HALF_OPEN = -1;

    private final Duration delay;
    private final LongSupplier nanoClock;
    // System.nanoTime() until which the breaker is open, HALF_OPEN, or CLOSED
    private final AtomicLong openUntil = new AtomicLong(CLOSED);
    // when the current probe was let through (0: none yet)
    private final AtomicLong probeAt = new AtomicLong();

    BreakerWatch(Duration delay, LongSupplier nanoClock) {
        this.delay = delay;
        this.nanoClock = nanoClock;
    }

    /** The breaker's own state changes (SmallRye Fault Tolerance's onStateChange). */
    void changed(CircuitBreakerState state) {
        switch (state) {
            case OPEN -> {
                probeAt.set(0);
                openUntil.set(nanoClock.getAsLong() + delay.toNanos());
            }
            case HALF_OPEN -> openUntil.set(HALF_OPEN);
            case CLOSED -> {
                openUntil.set(CLOSED);
                probeAt.set(0);
            }
        }
    }

    /** How long calls would meet the breaker, without claiming the probe: for a Retry-After. */
    Duration remaining() {
        long until = openUntil.get();
        if (until == CLOSED) {
            return Duration.ZERO;
        }
        long left = until == HALF_OPEN ? 0 : until - nanoClock.getAsLong();
        return left > 0 ? Duration.ofNanos(left) : PROBE_WAIT;
    }

    /**
     * Zero when this call may go to the upstream (the breaker is closed, or this call is the probe); otherwise how
     * long it would only meet the breaker.
     */
    Duration downFor() {
        long until = openUntil.get();
        if (until == CLOSED) {
            return Duration.ZERO;
        }
        long now = nanoClock.getAsLong();
        if (until != HALF_OPEN && until - now > 0) {
            return Duration.ofNanos(until - now);
        }
        long probe = probeAt.get();
        boolean probeDue = probe == 0 || now - probe > PROBE_TIMEOUT.toNanos();
        return probeDue && probeAt.compareAndSet(probe, now) ? Duration.ZERO : PROBE_WAIT;
    }
}
