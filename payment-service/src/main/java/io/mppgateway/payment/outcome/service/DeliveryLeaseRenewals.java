package io.mppgateway.payment.outcome.service;

import java.util.List;
import java.util.Objects;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.contracts.payment.DeliveryLeaseRenewal;
import io.mppgateway.payment.caller.service.Caller;
import io.mppgateway.payment.common.db.Transactions;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A provider that is alive says so for the charges it is still delivering: their delivery lease starts again, so
 * {@link ExpiredDeliveryLeases} presumes undelivered only the charges of a provider that stopped beating (killed
 * mid-call), after a lease of a few heartbeats rather than the longest call there could be. A provider renews only
 * the charges it settled, in its own realm: another's are left as they are (nothing to tell it, no 403 per id).
 */
@ApplicationScoped
public class DeliveryLeaseRenewals {
    private final Transactions transactions;
    private final ChargeRepository charges;
    private final MeterRegistry metrics;

    public DeliveryLeaseRenewals(Transactions transactions, ChargeRepository charges, MeterRegistry metrics) {
        this.transactions = transactions;
        this.charges = charges;
        this.metrics = metrics;
    }

    /**
     * @param caller a provider service (403 otherwise, nothing changes)
     * @return how many of the listed charges were renewed
     * @throws IllegalArgumentException without a list, or with more than {@link DeliveryLeaseRenewal#MAX_CHALLENGE_IDS}
     *                                  ids (400)
     */
    public Uni<Integer> renew(DeliveryLeaseRenewal renewal, Caller caller) {
        caller.requireProviderService();
        if (renewal == null || renewal.challengeIds() == null) {
            throw new IllegalArgumentException("body {\"challengeIds\": [...]} is required");
        }
        List<String> ids = renewal.challengeIds().stream().filter(Objects::nonNull).distinct().toList();
        if (ids.size() > DeliveryLeaseRenewal.MAX_CHALLENGE_IDS) {
            throw new IllegalArgumentException("at most " + DeliveryLeaseRenewal.MAX_CHALLENGE_IDS
                    + " challenge ids per renewal, got " + ids.size() + ": send them in chunks");
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        // one conditional UPDATE, committed on its own
        return charges.renewDeliveryLeases(transactions.autoCommit(), ids, caller.provider(), caller.realm())
                .invoke(renewed -> metrics.counter("payment.delivery.leases.renewed", "provider", caller.provider())
                        .increment(renewed));
    }
}
