package io.mppgateway.paywall.delivery.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.mppgateway.paywall.config.PaywallConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The charges this replica holds: settled (or redeemed) by payment-service for a paid call of this replica, their
 * outcome not recorded yet — the call is being delivered, or its outcome report is being retried. The
 * {@link DeliveryHeartbeat} renews their delivery lease at payment-service; a replica that is killed stops renewing,
 * and its charges are presumed undelivered once the lease runs out (redeemable, refundable).
 * <p>
 * Each hold is its own object: the report of a first delivery that completes after the buyer's re-presentation was
 * already redeemed (same challenge id, a new hold) releases its own hold only, not the redemption's.
 */
@ApplicationScoped
public class DeliveriesInFlight {
    private final Map<String, Hold> held = new ConcurrentHashMap<>();
    private final Duration maxHold;

    public DeliveriesInFlight(PaywallConfig config) {
        this.maxHold = config.deliveryMaxHold();
    }

    /** A settlement succeeded: this replica delivers the charge of {@code challengeId} from now on. */
    public Hold hold(String challengeId) {
        Hold hold = new Hold(Instant.now());
        held.put(challengeId, hold);
        return hold;
    }

    /** The hold of this charge now (null when none): its outcome report releases that one when it is done. */
    public Hold holding(String challengeId) {
        return held.get(challengeId);
    }

    /** The outcome report is recorded or given up: stop renewing this hold (a newer one of the same charge stays). */
    public void release(String challengeId, Hold hold) {
        if (challengeId != null && hold != null) {
            held.remove(challengeId, hold);
        }
    }

    /**
     * The challenge ids to renew now. A hold older than {@code paywall.delivery-max-hold} is dropped instead (a paid
     * call that never reported): its charge's lease runs out at payment-service.
     */
    public List<String> renewable(Instant now) {
        List<String> ids = new ArrayList<>(held.size());
        for (Map.Entry<String, Hold> entry : held.entrySet()) {
            if (entry.getValue().since.plus(maxHold).isBefore(now)) {
                if (held.remove(entry.getKey(), entry.getValue())) {
                    Log.warnf("charge of challenge %s held since %s without an outcome report: no longer renewed"
                            + " (paywall.delivery-max-hold %s)", entry.getKey(), entry.getValue().since, maxHold);
                }
            } else {
                ids.add(entry.getKey());
            }
        }
        return ids;
    }

    /** How many charges this replica holds. */
    public int size() {
        return held.size();
    }

    /** One delivery's hold of a charge (compared by identity). */
    public static final class Hold {
        private final Instant since;

        Hold(Instant since) {
            this.since = since;
        }

        public Instant since() {
            return since;
        }
    }
}
