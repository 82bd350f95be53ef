package io.mppgateway.paywall.client;

import java.util.List;

import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.paywall.challenge.ChallengeMint;
import io.mppgateway.paywall.config.PaywallConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@link PaymentGateway}: challenges minted in-process ({@link ChallengeMint}, no network hop), settlement and outcome
 * reports over payment-service's internal REST API. Settlement runs on a worker thread so that callers can compose it.
 */
@ApplicationScoped
public class RemotePaymentGateway implements PaymentGateway {
    private final PaymentServiceClient payments;
    private final ChallengeMint challenges;
    private final PaywallConfig config;

    public RemotePaymentGateway(PaymentServiceClient payments, ChallengeMint challenges, PaywallConfig config) {
        this.payments = payments;
        this.challenges = challenges;
        this.config = config;
    }

    @Override
    public IssuedChallenge challenge(String route, long amount, String digest, String description) {
        return challenges.issue(route, amount, digest, description);
    }

    @Override
    public Uni<SettlementOutcome> settle(List<String> authorization, String route, long amount, String digest,
            String description, int upstreamDownForSeconds) {
        SettlementRequest request = new SettlementRequest(authorization, config.realm(), config.provider(), route,
                amount, digest, description, upstreamDownForSeconds);
        return payments.settle(request);
    }

    /**
     * In the background, retried while payment-service is unreachable (see
     * {@link PaymentServiceClient#reportOutcome}). Meanwhile the charge stays "outcome unknown" at payment-service,
     * which answers re-presentations 409 payment-in-progress.
     */
    @Override
    public void report(String challengeId, ChargeOutcomeReport report) {
        payments.reportOutcome(challengeId, report).subscribe().with(ok -> {
        }, failure -> Log.errorf("outcome %s of %s (usage event %s) not reported to payment-service, gave up: %s",
                report.outcome(), challengeId, report.usage() == null ? "none" : report.usage().eventId(),
                failure.toString()));
    }
}
