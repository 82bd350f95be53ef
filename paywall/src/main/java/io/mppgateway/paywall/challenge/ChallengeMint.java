package io.mppgateway.paywall.challenge;

import java.time.Instant;
import java.util.List;

import io.mppgateway.contracts.mpp.Challenge;
import io.mppgateway.contracts.mpp.ChallengeIdSigner;
import io.mppgateway.contracts.mpp.ChargeChallenges;
import io.mppgateway.contracts.mpp.RealmKeys;
import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.metrics.PaywallMetrics;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Mints this provider's challenges in-process, no call to payment-service: challenges are stateless (an HMAC id over
 * every slot), signed with this realm's key, which payment-service derives from its master secret to verify. The
 * key mints challenges of this realm only. Checked at start, so a missing or malformed key stops the deployment.
 */
@Startup
@ApplicationScoped
public class ChallengeMint {
    private final ChallengeIdSigner signer;
    private final String realm;
    private final ChargeTermsSource terms;
    private final PaywallMetrics metrics;

    public ChallengeMint(PaywallConfig config, ChargeTermsSource terms, PaywallMetrics metrics) {
        byte[] key;
        try {
            key = RealmKeys.decode(config.challenges().realmKey());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("paywall.challenges.realm-key (MPP_REALM_KEY) is not a realm key: "
                    + e.getMessage() + "; derive it with deploy/local/realm-key.sh " + config.realm(), e);
        }
        this.signer = ChallengeIdSigner.ofKeys(List.of(key));
        this.realm = config.realm();
        this.terms = terms;
        this.metrics = metrics;
    }

    /**
     * A fresh challenge for this route, amount and body digest (null for a bodiless request).
     *
     * @throws IllegalArgumentException for terms this route cannot offer at this amount (e.g. below its fixed splits)
     * @throws IllegalStateException    while no charge terms are known yet
     */
    public IssuedChallenge issue(String route, long amount, String digest, String description) {
        Challenge challenge = ChargeChallenges.issue(signer, terms.current(), realm, route, amount, digest,
                description, Instant.now());
        metrics.challengeIssued(realm);
        return new IssuedChallenge(challenge.id(), challenge.toWwwAuthenticate(), challenge.expires(), amount);
    }
}
