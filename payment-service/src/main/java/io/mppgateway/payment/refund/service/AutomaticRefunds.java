package io.mppgateway.payment.refund.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.refund.repository.RefundRepository;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.mppgateway.payment.common.db.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The automatic refund policy: a charge that stays unfulfilled (and unredeemed) for the grace period is refunded;
 * refunds whose inclusion was never confirmed are broadcast again (the same signed transaction).
 */
@ApplicationScoped
public class AutomaticRefunds {
    private final SqlClient db;
    private final RefundService refunds;
    private final RefundRepository refundRows;
    private final ChargeRepository charges;
    private final PaymentConfig config;
    private final Clock clock;

    public AutomaticRefunds(Transactions transactions, RefundService refunds, RefundRepository refundRows,
            ChargeRepository charges, PaymentConfig config, Clock clock) {
        this.db = transactions.autoCommit();
        this.refunds = refunds;
        this.refundRows = refundRows;
        this.charges = charges;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${payment.refund.poll-interval:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> run() {
        if (!refunds.enabled()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> retries = refundRows.sending(db, 20).chain(ids -> attemptAll(ids, null));
        if (config.refund().gracePeriod().isNegative() || config.refund().gracePeriod().isZero()) {
            return retries;
        }
        return retries.chain(() -> {
            Instant before = Instant.now(clock).minus(config.refund().gracePeriod());
            return charges.unfulfilledSince(db, before, 20).chain(ids -> attemptAll(ids,
                    "unfulfilled for more than " + config.refund().gracePeriod()));
        });
    }

    /** One refund after the other, as the blocking loop did; one that is not done does not stop the rest. */
    private Uni<Void> attemptAll(List<UUID> chargeIds, String reason) {
        Uni<Void> attempts = Uni.createFrom().voidItem();
        for (UUID id : chargeIds) {
            attempts = attempts.chain(() -> attempt(id, reason));
        }
        return attempts;
    }

    private Uni<Void> attempt(UUID chargeId, String reason) {
        return refunds.refund(chargeId, reason == null ? "retry" : reason).replaceWithVoid()
                .onFailure(e -> e instanceof PaymentRejectedException || e instanceof IllegalStateException)
                .recoverWithUni(e -> {
                    Log.warnf("automatic refund of %s not done: %s", chargeId, e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
