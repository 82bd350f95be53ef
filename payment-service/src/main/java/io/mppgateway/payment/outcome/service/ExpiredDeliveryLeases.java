package io.mppgateway.payment.outcome.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.settlement.repository.Charge;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.mppgateway.payment.settlement.repository.OutboxRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.mppgateway.payment.common.db.Transactions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A provider killed while serving a paid call never reports its outcome, and its charge would stay settled forever:
 * paid, not delivered, neither redeemable nor refundable. After the delivery lease — counted from the release or the
 * provider's last heartbeat ({@link DeliveryLeaseRenewals}), which a live provider sends while it delivers — such a
 * charge is presumed undelivered — unfulfilled — so the buyer's re-presented credential redeems it, or the automatic
 * refund pays it back.
 * A late report from a provider that was only slow still wins (ChargeRepository#recordOutcome). The expiry is
 * recorded as an attempt like any reported outcome — a usage.recorded ABANDONED event (nothing delivered, nothing
 * known of the upstream call) in the outbox, in the same transaction — so the ledger sees the charge unfulfilled too
 * and an upstream call the dead provider made is not an attempt nobody recorded.
 */
@ApplicationScoped
public class ExpiredDeliveryLeases {
    private static final int BATCH = 100;

    private final Transactions transactions;
    private final ChargeRepository charges;
    private final PaymentConfig config;
    private final MeterRegistry metrics;
    private final OutboxRepository outbox;
    private final ObjectMapper mapper;

    public ExpiredDeliveryLeases(Transactions transactions, ChargeRepository charges, PaymentConfig config,
            MeterRegistry metrics, OutboxRepository outbox, ObjectMapper mapper) {
        this.transactions = transactions;
        this.charges = charges;
        this.config = config;
        this.metrics = metrics;
        this.outbox = outbox;
        this.mapper = mapper;
    }

    @Scheduled(every = "${payment.delivery-lease-poll-interval:10s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> sweep() {
        return expireBatch().chain(expired -> {
            if (!expired.isEmpty()) {
                metrics.counter("payment.delivery.leases.expired").increment(expired.size());
                Log.warnf("%d charge(s) held past the delivery lease of %s without an outcome are now unfulfilled: %s",
                        expired.size(), config.deliveryLease(), expired);
            }
            return expired.size() == BATCH ? sweep() : Uni.createFrom().voidItem();
        });
    }

    /** One batch: the charges' status and their ABANDONED attempts commit together. */
    Uni<List<String>> expireBatch() {
        return transactions.run(tx -> charges.expireDeliveryLeases(tx, config.deliveryLease(), BATCH)
                .call(expired -> {
                    Instant now = Instant.now();
                    Uni<Void> events = Uni.createFrom().voidItem();
                    for (String challengeId : expired) {
                        events = events.chain(() -> charges.findByChallenge(tx, challengeId)
                                .chain(charge -> charge.isPresent() ? abandoned(tx, charge.get(), now)
                                        : Uni.createFrom().voidItem()));
                    }
                    return events;
                }));
    }

    private Uni<Void> abandoned(SqlClient tx, Charge charge, Instant now) {
        UUID eventId = UUID.randomUUID();
        // the model is the provider's to know (the event requires one): "unknown"; upstream status 0 (no answer seen)
        UsageRecorded usage = new UsageRecorded(eventId.toString(), charge.chargeId().toString(), charge.challengeId(),
                charge.provider(), charge.route(), "unknown", UsageOutcome.ABANDONED, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, null, now);
        try {
            return outbox.add(tx, eventId, Topics.USAGE_RECORDED, charge.challengeId(),
                    mapper.writeValueAsString(usage));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("usage event not serialisable", e));
        }
    }
}
