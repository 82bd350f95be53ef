package io.mppgateway.paywall.client;

import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.ChallengeResponse;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.SettlementRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Fault-tolerant access to payment-service. */
@ApplicationScoped
public class PaymentServiceClient {
    private final PaymentServiceApi api;

    public PaymentServiceClient(@RestClient PaymentServiceApi api) {
        this.api = api;
    }

    /** Issuing a challenge has no side effect, so it is retried. */
    @Timeout(3000)
    @Retry(maxRetries = 2, delay = 100, retryOn = ProcessingException.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000)
    public ChallengeResponse issueChallenge(ChallengeRequest request) {
        return api.issueChallenge(request);
    }

    /** Idempotent (same outcome, same state), so retried; short, because the buyer's answer waits for it. */
    @Timeout(2000)
    @Retry(maxRetries = 2, delay = 50)
    public void reportOutcome(String challengeId, ChargeOutcomeReport report) {
        api.reportOutcome(challengeId, report);
    }

    /**
     * Not retried: a retry after a settlement whose answer was lost would look like a replay. The timeout covers the
     * chain look-ups payment-service makes.
     */
    @Timeout(30000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000,
            skipOn = WebApplicationException.class)
    public SettlementOutcome settle(SettlementRequest request) {
        try {
            return new SettlementOutcome.Settled(api.settle(request));
        } catch (WebApplicationException e) {
            Response r = e.getResponse();
            if (r.getStatus() >= 500 && r.getStatus() != 503) {
                throw e;
            }
            return new SettlementOutcome.Rejected(r.getStatus(), r.readEntity(String.class),
                    r.getHeaderString(HttpHeaders.WWW_AUTHENTICATE), r.getHeaderString(HttpHeaders.RETRY_AFTER));
        }
    }
}
