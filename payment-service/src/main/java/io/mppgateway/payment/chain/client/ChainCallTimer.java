package io.mppgateway.payment.chain.client;

import java.util.concurrent.atomic.AtomicLong;

import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Time the current request spent waiting for the node, so the settlement metric can report what payment-service
 * itself adds beyond the chain's own calls. Kept in the request's (duplicated) Vert.x context, which the reactive
 * pipeline carries across threads; outside a request, calls are not counted anywhere.
 */
public final class ChainCallTimer {
    private static final String KEY = ChainCallTimer.class.getName();
    private static final ChainCallTimer NONE = new ChainCallTimer();

    private final AtomicLong nanos = new AtomicLong();

    private ChainCallTimer() {
    }

    /** A new timer for the current request (a no-op one outside a request's context). */
    public static ChainCallTimer start() {
        if (!onRequestContext()) {
            return new ChainCallTimer();
        }
        ChainCallTimer timer = new ChainCallTimer();
        ContextLocals.put(KEY, timer);
        return timer;
    }

    static ChainCallTimer current() {
        return onRequestContext() ? ContextLocals.<ChainCallTimer>get(KEY).orElse(NONE) : NONE;
    }

    private static boolean onRequestContext() {
        Context context = Vertx.currentContext();
        return context != null && VertxContext.isDuplicatedContext(context);
    }

    void add(long elapsed) {
        if (this != NONE) {
            nanos.addAndGet(elapsed);
        }
    }

    public long nanos() {
        return nanos.get();
    }
}
