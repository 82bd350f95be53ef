package io.mppgateway.contracts.payment;

import java.util.List;

/**
 * A provider's heartbeat for the paid calls it is still delivering ({@code POST /internal/charges/leases} on
 * payment-service): every charge listed that is still released to this provider (settled, or redeeming) gets a fresh
 * delivery lease, so only a provider that stopped beating — killed mid-call — has its charges presumed undelivered
 * once the lease runs out. Charges of another provider, or already reported, are left as they are.
 *
 * @param challengeIds the challenge ids of the charges this replica holds; at most {@link #MAX_CHALLENGE_IDS}
 */
public record DeliveryLeaseRenewal(List<String> challengeIds) {

    /** The most ids one renewal may list (payment-service answers 400 beyond): a provider sends more in chunks. */
    public static final int MAX_CHALLENGE_IDS = 10_000;

    /** payment-service's answer: how many of the listed charges had their lease renewed. */
    public record Result(int renewed) {
    }
}
