package io.mppgateway.payment.common.timing;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Where the current settlement's time went, step by step, for its {@code Server-Timing}: waiting for the node
 * ({@link Step#CHAIN}) and for the database ({@link Step#CLAIM}); the rest is payment-service's own work. Kept in
 * the request's (duplicated) Vert.x context, which the reactive pipeline carries across threads; outside a request
 * nothing is counted.
 */
public final class StepTimer {
    /** The steps a settlement waits on. */
    public enum Step {
        /** the node's answers: simulation, broadcast, receipts */
        CHAIN,
        /** the database: the look-up of an earlier presentation, the claim, its completion with the settled event */
        CLAIM
    }

    private static final String KEY = StepTimer.class.getName();
    private static final StepTimer NONE = new StepTimer();

    private final AtomicLongArray nanos = new AtomicLongArray(Step.values().length);

    private StepTimer() {
    }

    /** A new timer for the current request (a no-op one outside a request's context). */
    public static StepTimer start() {
        StepTimer timer = new StepTimer();
        if (onRequestContext()) {
            ContextLocals.put(KEY, timer);
        }
        return timer;
    }

    /** The current request's timer (a no-op one outside a request). */
    public static StepTimer current() {
        return onRequestContext() ? ContextLocals.<StepTimer>get(KEY).orElse(NONE) : NONE;
    }

    /** Runs {@code work} (subscribed lazily) and counts the time until it terminates towards {@code step}. */
    public static <T> Uni<T> timed(Step step, Supplier<Uni<T>> work) {
        return Uni.createFrom().deferred(() -> {
            StepTimer timer = current();
            long started = System.nanoTime();
            return work.get().onTermination().invoke(() -> timer.add(step, System.nanoTime() - started));
        });
    }

    private static boolean onRequestContext() {
        Context context = Vertx.currentContext();
        return context != null && VertxContext.isDuplicatedContext(context);
    }

    public void add(Step step, long elapsed) {
        if (this != NONE) {
            nanos.addAndGet(step.ordinal(), elapsed);
        }
    }

    public long nanos(Step step) {
        return nanos.get(step.ordinal());
    }
}
