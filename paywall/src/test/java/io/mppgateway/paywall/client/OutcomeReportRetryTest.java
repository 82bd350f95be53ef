package io.mppgateway.paywall.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.mpp.ChargeTerms;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.DeliveryLeaseRenewal;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.paywall.config.PaywallConfig;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.Test;

/**
 * An outcome report (which carries the call's usage event) is not dropped when payment-service is briefly down: it
 * is retried with backoff, a bounded number of times, and never after payment-service refused it (4xx).
 */
class OutcomeReportRetryTest {
    private static final ChargeOutcomeReport REPORT = new ChargeOutcomeReport(UsageOutcome.FULFILLED);

    @Test
    void aReportIsRetriedUntilPaymentServiceIsBack() {
        AtomicInteger attempts = new AtomicInteger();
        PaymentServiceClient client = client(attempts, n -> n <= 3
                ? Uni.createFrom().failure(new ProcessingException("connection refused"))
                : n == 4 ? Uni.createFrom().failure(new WebApplicationException(503))
                        : Uni.createFrom().voidItem());
        client.reportOutcome("c1", REPORT).await().atMost(Duration.ofSeconds(10));
        assertEquals(5, attempts.get());
    }

    @Test
    void aReportPaymentServiceRefusedIsNotRepeated() {
        AtomicInteger attempts = new AtomicInteger();
        PaymentServiceClient client = client(attempts, n -> Uni.createFrom().failure(new WebApplicationException(409)));
        assertThrows(WebApplicationException.class,
                () -> client.reportOutcome("c1", REPORT).await().atMost(Duration.ofSeconds(10)));
        assertEquals(1, attempts.get());
    }

    @Test
    void retriesAreBounded() {
        AtomicInteger attempts = new AtomicInteger();
        PaymentServiceClient client = client(attempts,
                n -> Uni.createFrom().failure(new ProcessingException("connection refused")));
        assertThrows(ProcessingException.class,
                () -> client.reportOutcome("c1", REPORT).await().atMost(Duration.ofSeconds(10)));
        assertEquals(1 + 4, attempts.get());
    }

    @Test
    void anAttemptWithoutAnswerTimesOutAndIsRetried() {
        AtomicInteger attempts = new AtomicInteger();
        PaymentServiceClient client = client(attempts,
                n -> n == 1 ? Uni.createFrom().nothing() : Uni.createFrom().voidItem());
        client.reportOutcome("c1", REPORT).await().atMost(Duration.ofSeconds(10));
        assertEquals(2, attempts.get());
    }

    private static PaymentServiceClient client(AtomicInteger attempts, IntFunction<Uni<Void>> answer) {
        PaymentServiceApi api = new PaymentServiceApi() {
            @Override
            public Uni<ChargeTerms> chargeTerms(String authorization) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Uni<RestResponse<SettlementResponse>> settle(String authorization, SettlementRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Uni<Void> reportOutcome(String authorization, String challengeId, ChargeOutcomeReport report) {
                return answer.apply(attempts.incrementAndGet());
            }

            @Override
            public Uni<DeliveryLeaseRenewal.Result> renewLeases(String authorization, DeliveryLeaseRenewal renewal) {
                throw new UnsupportedOperationException();
            }
        };
        PaywallConfig config = mock(PaywallConfig.class);
        PaywallConfig.OutcomeReport policy = mock(PaywallConfig.OutcomeReport.class);
        when(config.outcomeReport()).thenReturn(policy);
        when(policy.retries()).thenReturn(4);
        when(policy.initialBackoff()).thenReturn(Duration.ofMillis(10));
        when(policy.maxBackoff()).thenReturn(Duration.ofMillis(50));
        when(policy.attemptTimeout()).thenReturn(Duration.ofMillis(300));
        ServiceToken token = mock(ServiceToken.class);
        when(token.bearer()).thenReturn("Bearer test");
        return new PaymentServiceClient(api, config, token);
    }
}
