package io.mppgateway.paywall.delivery.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.mpp.ChargeTerms;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.DeliveryLeaseRenewal;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.paywall.client.PaymentServiceApi;
import io.mppgateway.paywall.client.PaymentServiceClient;
import io.mppgateway.paywall.client.RemotePaymentGateway;
import io.mppgateway.paywall.client.ServiceToken;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.mppgateway.paywall.config.PaywallConfig;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat renews the delivery lease of exactly the charges this replica holds: from a successful settlement
 * until the outcome report is recorded or given up (while it is retried, too), never a redemption's that began
 * meanwhile; a failed renewal is sent again next round; many charges go in chunks.
 */
class DeliveryHeartbeatTest {
    private static final ChargeOutcomeReport FULFILLED = new ChargeOutcomeReport(UsageOutcome.FULFILLED);

    private final FakePaymentService service = new FakePaymentService();
    private final PaywallConfig config = config();
    private final DeliveriesInFlight deliveries = new DeliveriesInFlight(config);
    private final PaymentServiceClient client = new PaymentServiceClient(service, config, token());
    private final RemotePaymentGateway gateway = new RemotePaymentGateway(client, null, config, deliveries);
    private final DeliveryHeartbeat heartbeat = new DeliveryHeartbeat(deliveries, client);

    @Test
    void theChargeOfADeliveryInFlightIsRenewedUntilItsOutcomeIsReported() {
        beat();
        assertEquals(List.of(), service.renewals, "nothing held, nothing sent");
        settle("c1", false);
        beat();
        beat();
        assertEquals(List.of(List.of("c1"), List.of("c1")), service.renewals);

        service.reports = id -> Uni.createFrom().voidItem();
        gateway.report("c1", FULFILLED);
        service.renewals.clear();
        beat();
        assertEquals(List.of(), service.renewals, "reported: no longer renewed");
    }

    @Test
    void whileTheReportIsRetriedTheLeaseIsStillRenewed() {
        settle("c2", false);
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        service.reports = id -> Uni.createFrom().completionStage(recorded);
        gateway.report("c2", FULFILLED);
        beat();
        assertEquals(List.of(List.of("c2")), service.renewals, "the report is still on its way");
        recorded.complete(null);
        service.renewals.clear();
        beat();
        assertEquals(List.of(), service.renewals);
    }

    @Test
    void aReportThatGivesUpReleasesTheChargeToo() {
        settle("c3", false);
        // payment-service refused it (a 4xx is not retried): the charge is not this replica's to hold any longer
        service.reports = id -> Uni.createFrom().failure(new WebApplicationException(409));
        gateway.report("c3", FULFILLED);
        settle("c4", false);
        // unreachable beyond the retries (2 here)
        service.reports = id -> Uni.createFrom().failure(new ProcessingException("connection refused"));
        gateway.report("c4", FULFILLED);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> deliveries.size() == 0);
        beat();
        assertEquals(List.of(), service.renewals);
    }

    @Test
    void theFirstDeliverysLateReportLeavesTheRedemptionHeld() {
        settle("c5", false);
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        service.reports = id -> Uni.createFrom().completionStage(recorded);
        gateway.report("c5", new ChargeOutcomeReport(UsageOutcome.UPSTREAM_FAILED));
        // payment-service recorded the failure, the buyer presented the credential again (redeemed) before the
        // report's answer came back
        settle("c5", true);
        recorded.complete(null);
        beat();
        assertEquals(List.of(List.of("c5")), service.renewals, "the redemption is being delivered");
    }

    @Test
    void aFailedRenewalIsSentAgainNextRound() {
        settle("c6", false);
        service.renewalAnswer = renewal -> Uni.createFrom().failure(new ProcessingException("connection refused"));
        beat(); // logged, not thrown
        service.renewalAnswer = renewal -> Uni.createFrom().item(new DeliveryLeaseRenewal.Result(1));
        beat();
        assertEquals(List.of(List.of("c6"), List.of("c6")), service.renewals);
    }

    @Test
    void manyChargesGoInChunks() {
        for (int i = 0; i < 2 * DeliveryHeartbeat.CHUNK + 500; i++) {
            deliveries.hold("many-" + i);
        }
        beat();
        assertEquals(List.of(DeliveryHeartbeat.CHUNK, DeliveryHeartbeat.CHUNK, 500),
                service.renewals.stream().map(List::size).toList());
        assertEquals(2 * DeliveryHeartbeat.CHUNK + 500,
                service.renewals.stream().flatMap(List::stream).distinct().count());
    }

    @Test
    void aChargeHeldPastTheMaximumIsNoLongerRenewed() {
        deliveries.hold("never-reported");
        assertEquals(List.of("never-reported"), deliveries.renewable(Instant.now()));
        assertEquals(List.of(), deliveries.renewable(Instant.now().plus(Duration.ofHours(2))));
        assertEquals(0, deliveries.size());
    }

    private void settle(String challengeId, boolean redeemed) {
        service.settlement = new SettlementResponse("charge-" + challengeId, challengeId, "0xabc", "0xpayer", 100,
                "push", "receipt", redeemed);
        SettlementOutcome outcome = gateway.settle(List.of("Payment x"), "/mistral/chat", 100, null, "chat", 0)
                .await().atMost(Duration.ofSeconds(5));
        assertInstanceOf(SettlementOutcome.Settled.class, outcome);
        assertTrue(deliveries.holding(challengeId) != null);
    }

    private void beat() {
        heartbeat.beat().await().atMost(Duration.ofSeconds(5));
    }

    private static PaywallConfig config() {
        PaywallConfig config = mock(PaywallConfig.class);
        when(config.provider()).thenReturn("mistral");
        when(config.realm()).thenReturn("mistral.test.local");
        when(config.deliveryMaxHold()).thenReturn(Duration.ofHours(1));
        PaywallConfig.OutcomeReport policy = mock(PaywallConfig.OutcomeReport.class);
        when(config.outcomeReport()).thenReturn(policy);
        when(policy.retries()).thenReturn(2);
        when(policy.initialBackoff()).thenReturn(Duration.ofMillis(10));
        when(policy.maxBackoff()).thenReturn(Duration.ofMillis(20));
        when(policy.attemptTimeout()).thenReturn(Duration.ofSeconds(2));
        return config;
    }

    private static ServiceToken token() {
        ServiceToken token = mock(ServiceToken.class);
        when(token.bearer()).thenReturn("Bearer test");
        return token;
    }

    /** payment-service's internal API as the paywall sees it: settles what it is told, records the renewals. */
    private static final class FakePaymentService implements PaymentServiceApi {
        final List<List<String>> renewals = new CopyOnWriteArrayList<>();
        final Queue<String> reported = new ConcurrentLinkedQueue<>();
        volatile SettlementResponse settlement;
        volatile Function<String, Uni<Void>> reports = id -> Uni.createFrom().voidItem();
        volatile Function<DeliveryLeaseRenewal, Uni<DeliveryLeaseRenewal.Result>> renewalAnswer = renewal -> Uni
                .createFrom().item(new DeliveryLeaseRenewal.Result(renewal.challengeIds().size()));

        @Override
        public Uni<ChargeTerms> chargeTerms(String authorization) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<RestResponse<SettlementResponse>> settle(String authorization, SettlementRequest request) {
            return Uni.createFrom().item(RestResponse.ok(settlement));
        }

        @Override
        public Uni<Void> reportOutcome(String authorization, String challengeId, ChargeOutcomeReport report) {
            reported.add(challengeId);
            return reports.apply(challengeId);
        }

        @Override
        public Uni<DeliveryLeaseRenewal.Result> renewLeases(String authorization, DeliveryLeaseRenewal renewal) {
            renewals.add(List.copyOf(renewal.challengeIds()));
            return renewalAnswer.apply(renewal);
        }
    }
}
