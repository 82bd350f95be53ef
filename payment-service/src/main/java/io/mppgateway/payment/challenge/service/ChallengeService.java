package io.mppgateway.payment.challenge.service;

import java.time.Clock;
import java.time.Instant;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.contracts.mpp.Challenge;
import io.mppgateway.contracts.mpp.ChargeChallenges;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.ChallengeResponse;
import io.mppgateway.payment.terms.service.RouteTermsService;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The challenges payment-service itself issues: the fresh challenge of every 402 after a refused credential, and
 * {@code POST /internal/challenges} for provider services of the previous release (the current ones mint their own,
 * in-process, with their realm key). Minted exactly as the providers mint them ({@link ChargeChallenges}), signed
 * with the realm's key ({@link ChallengeKeys}).
 */
@ApplicationScoped
public class ChallengeService {
    public static final String METHOD = ChargeChallenges.METHOD;
    public static final String INTENT = ChargeChallenges.INTENT;

    private final ChallengeKeys keys;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final RouteTermsService routeTerms;

    public ChallengeService(ChallengeKeys keys, Clock clock, MeterRegistry metrics, RouteTermsService routeTerms) {
        this.keys = keys;
        this.routeTerms = routeTerms;
        this.clock = clock;
        this.metrics = metrics;
    }

    public ChallengeResponse issue(ChallengeRequest request) {
        Challenge challenge = ChargeChallenges.issue(keys.forRealm(request.realm()), routeTerms.chargeTerms(),
                request.realm(), request.route(), request.amount(), request.digest(), request.description(),
                Instant.now(clock));
        metrics.counter("payment.challenges.issued", "realm", request.realm()).increment();
        return new ChallengeResponse(challenge.id(), challenge.toWwwAuthenticate(), challenge.expires(),
                request.amount());
    }

    /** base64url(JCS(request)) exactly as a buyer must echo it for this route and amount. */
    public String encodedRequest(String route, long amount) {
        return routeTerms.chargeTerms().encodedRequest(route, amount);
    }

    /** A fresh JCS({"nonce", "route"}), see {@link ChargeChallenges#encodedOpaque}. */
    public String encodedOpaque(String route) {
        return ChargeChallenges.encodedOpaque(route);
    }

    /** See {@link ChargeChallenges#opaqueBindsRoute}. */
    public boolean opaqueBindsRoute(String opaque, String route) {
        return ChargeChallenges.opaqueBindsRoute(opaque, route);
    }
}
