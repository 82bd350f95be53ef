package io.mppgateway.payment.chain.client;

/**
 * Time the current request spent waiting for the node, so the settlement metric can report what payment-service
 * itself adds beyond the chain's own calls.
 */
public final class ChainCallTimer {
    private static final ThreadLocal<long[]> NANOS = ThreadLocal.withInitial(() -> new long[1]);

    private ChainCallTimer() {
    }

    public static void reset() {
        NANOS.get()[0] = 0;
    }

    static void add(long nanos) {
        NANOS.get()[0] += nanos;
    }

    public static long nanos() {
        return NANOS.get()[0];
    }
}
