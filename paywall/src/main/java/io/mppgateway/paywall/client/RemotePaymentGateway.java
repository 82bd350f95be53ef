package io.mppgateway.paywall.client;

import java.util.List;

import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.paywall.challenge.ChallengeMint;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.delivery.service.DeliveriesInFlight;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@link PaymentGateway}: challenges minted in-process ({@link ChallengeMint}, no network hop), settlement and outcome
 * reports over payment-service's internal REST API. A charge it settled is held ({@link DeliveriesInFlight}, its
 * delivery lease renewed by the heartbeat) until its outcome report is recorded or given up.
 */
@ApplicationScoped
public class RemotePaymentGateway implements PaymentGateway {
    private final PaymentServiceClient payments;
    private final ChallengeMint challenges;
    private final PaywallConfig config;
    private final DeliveriesInFlight deliveries;

    public RemotePaymentGateway(PaymentServiceClient payments, ChallengeMint challenges, PaywallConfig config,
            DeliveriesInFlight deliveries) {
        this.payments = payments;
        this.challenges = challenges;
        this.config = config;
        this.deliveries = deliveries;
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
        return payments.settle(request).invoke(outcome -> {
            if (outcome instanceof SettlementOutcome.Settled settled) {
                // released (or about to be) to this replica: its lease is renewed until the outcome is reported
                deliveries.hold(settled.settlement().challengeId());
            }
        });
    }

    /**
     * In the background, retried while payment-service is unreachable (see
     * {@link PaymentServiceClient#reportOutcome}). Meanwhile the charge stays "outcome unknown" at payment-service,
     * which answers re-presentations 409 payment-in-progress, and its lease is still renewed; once the report is
     * recorded or given up, this delivery's hold is released (a redemption that began meanwhile keeps its own).
     */
    @Override
    public void report(String challengeId, ChargeOutcomeReport report) {
        DeliveriesInFlight.Hold hold = deliveries.holding(challengeId);
        payments.reportOutcome(challengeId, report)
                .onTermination().invoke(() -> deliveries.release(challengeId, hold))
                .subscribe().with(ok -> {
                }, failure -> Log.errorf("outcome %s of %s (usage event %s) not reported to payment-service, gave"
                        + " up: %s", report.outcome(), challengeId,
                        report.usage() == null ? "none" : report.usage().eventId(), failure.toString()));
    }
}
