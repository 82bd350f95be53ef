package io.mppgateway.paywall.delivery.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.mppgateway.paywall.client.PaymentServiceClient;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every {@code paywall.delivery-heartbeat}, renews at payment-service the delivery lease of every charge this replica
 * holds ({@link DeliveriesInFlight}), in chunks of {@link #CHUNK}, one after the other. Reactive: the round is a
 * {@code Uni} on the event loop, no thread waits for payment-service, and a round still running when the next is due
 * is not doubled. A chunk that fails (payment-service unreachable, slow, refusing) is logged and sent again with the
 * next round: a lease outlives several heartbeats.
 */
@ApplicationScoped
public class DeliveryHeartbeat {
    /** Ids per request: well below payment-service's cap (10,000), a small body even under load. */
    static final int CHUNK = 1_000;

    private final DeliveriesInFlight deliveries;
    private final PaymentServiceClient payments;
    private volatile boolean failing;

    public DeliveryHeartbeat(DeliveriesInFlight deliveries, PaymentServiceClient payments) {
        this.deliveries = deliveries;
        this.payments = payments;
    }

    @Scheduled(identity = "paywall-delivery-heartbeat", every = "${paywall.delivery-heartbeat:PT20S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> beat() {
        List<String> ids = deliveries.renewable(Instant.now());
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(chunks(ids))
                .onItem().transformToUniAndConcatenate(this::renew)
                .collect().asList()
                .invoke(results -> {
                    int renewed = results.stream().mapToInt(Integer::intValue).filter(n -> n >= 0).sum();
                    Log.debugf("delivery leases: %d held, %d renewed", ids.size(), renewed);
                })
                .replaceWithVoid();
    }

    /** @return how many were renewed, or -1 when the chunk failed (sent again next round) */
    private Uni<Integer> renew(List<String> chunk) {
        return payments.renewLeases(chunk)
                .invoke(() -> {
                    if (failing) {
                        failing = false;
                        Log.infof("delivery leases renewed again at payment-service");
                    }
                })
                .onFailure().recoverWithItem(failure -> {
                    if (!failing) {
                        failing = true;
                        Log.warnf("delivery leases of %d charge(s) not renewed, trying again every heartbeat: %s",
                                chunk.size(), failure.toString());
                    } else {
                        Log.debugf("delivery leases of %d charge(s) still not renewed: %s", chunk.size(),
                                failure.toString());
                    }
                    return -1;
                });
    }

    static List<List<String>> chunks(List<String> ids) {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            chunks.add(ids.subList(from, Math.min(ids.size(), from + CHUNK)));
        }
        return chunks;
    }
}
