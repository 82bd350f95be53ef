package io.mppgateway.payment.challenge.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.mppgateway.contracts.mpp.ChallengeIdSigner;
import io.mppgateway.contracts.mpp.RealmKeys;
import io.mppgateway.payment.caller.config.CallerConfig;
import io.mppgateway.payment.config.PaymentConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The challenge keys: for each realm, {@link RealmKeys#derive HKDF(master secret, "mpp-challenge:" + realm)} of the
 * current master secret (which signs) and of each previous one (still verified, so a rotation strands no live
 * challenge). A provider service is given its own realm's key only, so it can mint challenges of that realm and no
 * other: a challenge naming realm A verifies only under A's keys.
 */
@ApplicationScoped
public class ChallengeKeys {
    private final List<String> masters;
    /** The configured providers' realms, derived once; any other realm is derived when asked (never cached). */
    private final Map<String, ChallengeIdSigner> known;
    /**
     * Ids signed with the master secret itself, as payment-service issued them before realm keys: accepted (with the
     * current and previous master) only so that challenges issued by the previous release during a rolling deploy
     * stay payable until they expire (challenge-ttl, 5 minutes). Nothing signs with it any more; remove it in the
     * release after this one.
     */
    private final ChallengeIdSigner masterSigned;

    @Inject
    public ChallengeKeys(PaymentConfig config, CallerConfig callers) {
        this.masters = new ArrayList<>();
        masters.add(config.secretKey());
        config.previousSecretKeys().orElse(List.of()).stream().filter(s -> !s.isBlank()).forEach(masters::add);
        this.masterSigned = new ChallengeIdSigner(masters.get(0), masters.subList(1, masters.size()));
        this.known = callers.providers().values().stream().map(CallerConfig.Provider::realm).distinct()
                .collect(Collectors.toUnmodifiableMap(realm -> realm, this::derive));
    }

    /** For test doubles that verify with other keys (the conformance vectors sign with their secret itself). */
    protected ChallengeKeys() {
        this.masters = List.of();
        this.known = Map.of();
        this.masterSigned = null;
    }

    /** Signs with the realm's current key; verifies with its current and previous keys. */
    public ChallengeIdSigner forRealm(String realm) {
        ChallengeIdSigner signer = known.get(realm);
        return signer != null ? signer : derive(realm);
    }

    /** Whether {@code id} binds these challenge slots under the realm's keys (or, for now, the master secrets). */
    public boolean verify(String id, String realm, String method, String intent, String request, String expires,
            String digest, String opaque) {
        return forRealm(realm).verify(id, realm, method, intent, request, expires, digest, opaque)
                | masterSigned.verify(id, realm, method, intent, request, expires, digest, opaque);
    }

    private ChallengeIdSigner derive(String realm) {
        return ChallengeIdSigner.ofKeys(RealmKeys.derive(masters, realm));
    }
}
