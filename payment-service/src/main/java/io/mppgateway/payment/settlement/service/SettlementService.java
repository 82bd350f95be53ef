package io.mppgateway.payment.settlement.service;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mppgateway.contracts.mpp.PaymentTerms;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.payment.challenge.service.ChallengeService;
import io.mppgateway.payment.challenge.service.EchoedChallengeVerifier;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.common.timing.StepTimer;
import io.mppgateway.payment.common.timing.StepTimer.Step;
import io.mppgateway.payment.mpp.Credential;
import io.mppgateway.payment.mpp.CredentialParser;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.terms.service.RouteTermsService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Verifies a tempo charge credential and settles it exactly once: parse → challenge binding and pinning → mode and
 * terms → {@link PushSettlement} (a broadcast tx hash) or {@link PullSettlement} (a signed Tempo transaction the
 * server broadcasts); a credential whose challenge is already claimed is decided by {@link Representations}. Every
 * 402 carries a fresh challenge for the same purchase; a 409 or 503 never does (retry the same credential).
 */
@ApplicationScoped
public class SettlementService {
    private final CredentialParser parser;
    private final EchoedChallengeVerifier challengeVerifier;
    private final ChallengeService challenges;
    private final RouteTermsService routeTerms;
    private final PushSettlement push;
    private final PullSettlement pull;
    private final PaymentConfig config;
    private final MeterRegistry metrics;

    public SettlementService(CredentialParser parser, EchoedChallengeVerifier challengeVerifier,
            ChallengeService challenges, RouteTermsService routeTerms, PushSettlement push, PullSettlement pull,
            PaymentConfig config, MeterRegistry metrics) {
        this.parser = parser;
        this.challengeVerifier = challengeVerifier;
        this.challenges = challenges;
        this.routeTerms = routeTerms;
        this.push = push;
        this.pull = pull;
        this.config = config;
        this.metrics = metrics;
    }

    public Uni<TimedSettlement> settle(SettlementRequest request) {
        Timer.Sample sample = Timer.start(metrics);
        long started = System.nanoTime();
        StepTimer steps = StepTimer.start();
        return Uni.createFrom().deferred(() -> verifyAndRecord(request))
                .invoke(response -> {
                    metrics.counter("payment.settlements", "outcome", response.redeemed() ? "redeemed" : "settled",
                            "mode", response.mode()).increment();
                    // what payment-service adds beyond the node's own answers (verification, database, outbox)
                    Timer.builder("payment.settlement.overhead").tag("mode", response.mode())
                            .publishPercentiles(0.5, 0.99).register(metrics)
                            .record(System.nanoTime() - started - steps.nanos(Step.CHAIN), TimeUnit.NANOSECONDS);
                })
                .onFailure(PaymentRejectedException.class).transform(failure -> {
                    PaymentRejectedException e = (PaymentRejectedException) failure;
                    metrics.counter("payment.rejections", "reason", e.problem().code, "status",
                            Integer.toString(e.problem().status)).increment();
                    if (e.problem().status == 503 || e.problem().status == 409) {
                        // the payment may be (or is) settled: the buyer must retry the same credential, not pay again
                        return e;
                    }
                    // every 402 (and the 400s) carries a fresh challenge for the same purchase
                    return e.withFreshChallenge(challenges.issue(new ChallengeRequest(request.realm(),
                            request.provider(), request.route(), request.amount(), request.digest(),
                            request.description())).wwwAuthenticate());
                })
                .onTermination().invoke(() -> sample.stop(Timer.builder("payment.settlement.verification")
                        .publishPercentiles(0.5, 0.99).register(metrics)))
                .map(response -> new TimedSettlement(response, System.nanoTime() - started, steps.nanos(Step.CHAIN),
                        steps.nanos(Step.CLAIM)));
    }

    private Uni<SettlementResponse> verifyAndRecord(SettlementRequest request) {
        Credential credential = parse(request);
        String id = credential.challenge().id();
        // expiry is checked only before a first claim: a claimed challenge is decided by its claim
        challengeVerifier.verifyBinding(credential.challenge(), new EchoedChallengeVerifier.Expected(
                request.realm(), request.route(), request.amount(), request.digest()));
        PaymentMode mode = PaymentMode.ofPayloadType(String.valueOf(credential.payloadType()), id);
        // the pinned challenge carried exactly these terms
        PaymentTerms terms = routeTerms.termsFor(request.route(), request.amount());
        List<String> modes = routeTerms.supportedModes(terms);
        if (!modes.contains(mode.value)) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    mode.value + " mode is not offered (supportedModes: " + modes + ")", id);
        }
        if (mode == PaymentMode.PUSH && config.feePayer().enabled()) {
            // spec: clients MUST NOT send a hash when feePayer is true, servers MUST reject it
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "fees are sponsored here: send the signed transaction (pull), not a hash", id);
        }
        PayerDid payer = PayerDid.parse(credential.source(), config.chainId(), id);
        return switch (mode) {
            case PUSH -> push.settle(request, credential, payer, terms);
            case PULL -> pull.settle(request, credential, payer, terms);
        };
    }

    private Credential parse(SettlementRequest request) {
        try {
            return parser.parse(request.authorization());
        } catch (CredentialParser.MultipleCredentialsException e) {
            throw new PaymentRejectedException(PaymentProblem.BAD_REQUEST,
                    "send exactly one Payment credential", null);
        } catch (CredentialParser.MalformedCredentialException e) {
            throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL, e.getMessage(), null);
        }
    }
}
