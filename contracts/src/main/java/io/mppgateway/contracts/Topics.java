package io.mppgateway.contracts;

/** Kafka topic names shared by producers and consumers. Every event is keyed by its challenge id. */
public final class Topics {
    public static final String PAYMENTS_SETTLED = "payments.settled";
    public static final String USAGE_RECORDED = "usage.recorded";
    public static final String PAYMENTS_REFUNDED = "payments.refunded";

    private Topics() {
    }
}
