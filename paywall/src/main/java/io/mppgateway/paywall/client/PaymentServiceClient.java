package io.mppgateway.paywall.client;

import java.time.Duration;
import java.util.List;

import io.mppgateway.contracts.mpp.ChargeTerms;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.DeliveryLeaseRenewal;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.paywall.config.PaywallConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Fault-tolerant access to payment-service. */
@ApplicationScoped
public class PaymentServiceClient {
    private final PaymentServiceApi api;
    private final PaywallConfig config;
    private final ServiceToken token;

    public PaymentServiceClient(@RestClient PaymentServiceApi api, PaywallConfig config, ServiceToken token) {
        this.api = api;
        this.config = config;
        this.token = token;
    }

    /** The charge terms this provider mints its challenges with; its caller retries on its own schedule. */
    public Uni<ChargeTerms> chargeTerms() {
        return Uni.createFrom().deferred(() -> api.chargeTerms(token.bearer()))
                .ifNoItem().after(Duration.ofSeconds(5)).fail();
    }

    /**
     * Idempotent (a repeated report moves nothing and writes no second usage event), so retried with exponential
     * backoff while payment-service is unreachable or failing, a bounded number of times; never after a 4xx, which
     * a retry would only repeat. Holds no thread between attempts.
     */
    public Uni<Void> reportOutcome(String challengeId, ChargeOutcomeReport report) {
        PaywallConfig.OutcomeReport policy = config.outcomeReport();
        return Uni.createFrom().deferred(() -> api.reportOutcome(token.bearer(), challengeId, report))
                .ifNoItem().after(policy.attemptTimeout()).fail()
                .onFailure(PaymentServiceClient::worthRetrying).retry()
                .withBackOff(policy.initialBackoff(), policy.maxBackoff()).withJitter(0.2)
                .atMost(policy.retries());
    }

    /**
     * Renews the delivery lease of these charges (at most 10,000): how many were renewed. Not retried: the heartbeat
     * sends them again next round.
     */
    public Uni<Integer> renewLeases(List<String> challengeIds) {
        return Uni.createFrom().deferred(() -> api.renewLeases(token.bearer(), new DeliveryLeaseRenewal(challengeIds)))
                .ifNoItem().after(Duration.ofSeconds(5)).fail()
                .map(DeliveryLeaseRenewal.Result::renewed);
    }

    /** Unreachable, timed out or failing on its side: a later attempt may succeed. A 4xx will not. */
    static boolean worthRetrying(Throwable failure) {
        if (failure instanceof WebApplicationException e) {
            int status = e.getResponse().getStatus();
            return status >= 500 || status == 429;
        }
        return true;
    }

    /**
     * Not retried: a retry after a settlement whose answer was lost would look like a replay. The timeout covers the
     * chain look-ups payment-service makes. Guarded asynchronously (a {@code Uni}: timers, no thread waits).
     */
    @Timeout(30000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000,
            skipOn = WebApplicationException.class)
    public Uni<SettlementOutcome> settle(SettlementRequest request) {
        return Uni.createFrom().deferred(() -> api.settle(token.bearer(), request))
                .<SettlementOutcome>map(answer -> new SettlementOutcome.Settled(answer.getEntity(),
                        answer.getHeaderString("Server-Timing")))
                .onFailure(WebApplicationException.class).recoverWithItem(failure -> {
                    Response r = ((WebApplicationException) failure).getResponse();
                    // 401/403: this provider's service token was refused, nothing the buyer can act on (503 to the
                    // buyer)
                    if (r.getStatus() >= 500 && r.getStatus() != 503 || r.getStatus() == 401
                            || r.getStatus() == 403) {
                        throw (WebApplicationException) failure;
                    }
                    return new SettlementOutcome.Rejected(r.getStatus(), r.readEntity(String.class),
                            r.getHeaderString(HttpHeaders.WWW_AUTHENTICATE),
                            r.getHeaderString(HttpHeaders.RETRY_AFTER));
                });
    }
}
