package io.mppgateway.payment.outcome.service;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A provider killed while serving a paid call never reports its outcome, and its charge would stay settled forever:
 * paid, not delivered, neither redeemable nor refundable. After the delivery lease such a charge is presumed
 * undelivered — unfulfilled — so the buyer's re-presented credential redeems it, or the automatic refund pays it back.
 * A late report from a provider that was only slow still wins (ChargeRepository#recordOutcome).
 */
@ApplicationScoped
public class ExpiredDeliveryLeases {
    private static final int BATCH = 100;

    private final ChargeRepository charges;
    private final PaymentConfig config;
    private final MeterRegistry metrics;

    public ExpiredDeliveryLeases(ChargeRepository charges, PaymentConfig config, MeterRegistry metrics) {
        this.charges = charges;
        this.config = config;
        this.metrics = metrics;
    }

    @Scheduled(every = "${payment.delivery-lease-poll-interval:10s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void sweep() {
        List<String> expired;
        do {
            expired = charges.expireDeliveryLeases(config.deliveryLease(), BATCH);
            if (!expired.isEmpty()) {
                metrics.counter("payment.delivery.leases.expired").increment(expired.size());
                Log.warnf("%d charge(s) held past the delivery lease of %s without an outcome are now unfulfilled: %s",
                        expired.size(), config.deliveryLease(), expired);
            }
        } while (expired.size() == BATCH);
    }
}
