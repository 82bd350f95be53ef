package io.mppgateway.mistral.paid;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.mppgateway.contracts.payment.DeliveryLeaseRenewal;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.paywall.client.PaymentServiceApi;
import io.mppgateway.paywall.delivery.service.DeliveriesInFlight;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.Test;

/**
 * While this replica delivers a paid call — the upstream still working, then the outcome report on its way — its
 * heartbeat renews the charge's delivery lease at payment-service; once the report is recorded it stops. payment-service
 * is mocked at its REST API, so the real gateway, its holds and the scheduled heartbeat run as in production (a test
 * heartbeat of 1 s).
 */
@QuarkusTest
class DeliveryLeaseHeartbeatTest {
    private static final String STALLED_CHAT = """
            {"model":"mistral-small-latest","max_tokens":50,"messages":[{"role":"user","content":"standin:stall %s"}]}""";

    @InjectMock
    @RestClient
    PaymentServiceApi api;

    @Inject
    DeliveriesInFlight deliveries;

    @Test
    void theHeartbeatRenewsTheChargeOfADeliveryInFlightAndStopsAfterItsReport() {
        SimulatedSettlement settlement = new SimulatedSettlement(null, null);
        String id = settlement.challengeId;
        // payment-service releases the charge again (a redemption: no payments.settled event to wait for)
        when(api.settle(any(), any())).thenReturn(Uni.createFrom().item(RestResponse.ok(new SettlementResponse(
                settlement.chargeId, id, SimulatedSettlement.TX_HASH, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
                5000, "push", SimulatedSettlement.RECEIPT, true))));
        when(api.renewLeases(any(), any())).thenAnswer(invocation -> Uni.createFrom()
                .item(new DeliveryLeaseRenewal.Result(invocation.<DeliveryLeaseRenewal>getArgument(1)
                        .challengeIds().size())));
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        when(api.reportOutcome(any(), eq(id), any())).thenReturn(Uni.createFrom().completionStage(recorded));

        // the stand-in stalls past the (test) upstream timeout of 5 s: the call is in flight meanwhile
        given().contentType(ContentType.JSON).header("Authorization", settlement.credential())
                .body(STALLED_CHAT.formatted(UUID.randomUUID())).post("/mistral/chat").then().statusCode(504)
                .body("paymentKept", equalTo(true));
        verify(api, atLeastOnce()).renewLeases(argThat(token -> token.startsWith("Bearer ")), renewing(id));

        // answered; its outcome report is still on its way: the charge is still held
        verify(api, timeout(5_000)).reportOutcome(any(), eq(id), any());
        clearInvocations(api);
        verify(api, timeout(5_000)).renewLeases(any(), renewing(id));

        recorded.complete(null);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> deliveries.holding(id) == null);
        clearInvocations(api);
        verify(api, after(2_500).never()).renewLeases(any(), renewing(id));
        assertNull(deliveries.holding(id));
    }

    private static DeliveryLeaseRenewal renewing(String challengeId) {
        return argThat(renewal -> renewal != null && renewal.challengeIds().contains(challengeId));
    }
}
