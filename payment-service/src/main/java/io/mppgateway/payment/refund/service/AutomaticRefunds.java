package io.mppgateway.payment.refund.service;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.refund.repository.RefundRepository;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The automatic refund policy: a charge that stays unfulfilled (and unredeemed) for the grace period is refunded;
 * refunds whose inclusion was never confirmed are broadcast again (the same signed transaction).
 */
@ApplicationScoped
public class AutomaticRefunds {
    private final RefundService refunds;
    private final RefundRepository refundRows;
    private final ChargeRepository charges;
    private final PaymentConfig config;
    private final Clock clock;

    public AutomaticRefunds(RefundService refunds, RefundRepository refundRows, ChargeRepository charges,
            PaymentConfig config, Clock clock) {
        this.refunds = refunds;
        this.refundRows = refundRows;
        this.charges = charges;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${payment.refund.poll-interval:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void run() {
        if (!refunds.enabled()) {
            return;
        }
        for (UUID id : refundRows.sending(20)) {
            attempt(id, null);
        }
        if (config.refund().gracePeriod().isNegative() || config.refund().gracePeriod().isZero()) {
            return;
        }
        Instant before = Instant.now(clock).minus(config.refund().gracePeriod());
        for (UUID id : charges.unfulfilledSince(before, 20)) {
            attempt(id, "unfulfilled for more than " + config.refund().gracePeriod());
        }
    }

    private void attempt(UUID chargeId, String reason) {
        try {
            refunds.refund(chargeId, reason == null ? "retry" : reason);
        } catch (PaymentRejectedException | IllegalStateException e) {
            Log.warnf("automatic refund of %s not done: %s", chargeId, e.getMessage());
        }
    }
}
