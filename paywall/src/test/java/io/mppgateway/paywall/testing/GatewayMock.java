package io.mppgateway.paywall.testing;

import static io.restassured.RestAssured.given;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;

import org.mockito.ArgumentCaptor;
import org.mockito.stubbing.OngoingStubbing;

/**
 * Provider tests mock payment-service at the paywall's one door to it, {@code PaymentGateway}
 * ({@code @InjectMock PaymentGateway payments}); these are the stubs and checks they share.
 */
public final class GatewayMock {
    private GatewayMock() {
    }

    /** Stubs every settlement the mocked gateway is asked for. */
    public static OngoingStubbing<Uni<SettlementOutcome>> whenSettling(PaymentGateway payments) {
        return when(payments.settle(any(), any(), anyLong(), any(), any(), anyInt()));
    }

    /** Stubs every challenge the mocked gateway is asked for. */
    public static OngoingStubbing<IssuedChallenge> whenChallenged(PaymentGateway payments) {
        return when(payments.challenge(any(), anyLong(), any(), any()));
    }

    /** payment-service's refusal of a credential, relayed to the buyer as it is. */
    public static Uni<SettlementOutcome> rejected(int status, String problemJson, String wwwAuthenticate,
            String retryAfter) {
        return Uni.createFrom().item(new SettlementOutcome.Rejected(status, problemJson, wwwAuthenticate, retryAfter));
    }

    /** Nothing was offered nor settled: the request was refused before any payment. */
    public static void verifyNoPayment(PaymentGateway payments) {
        verify(payments, never()).challenge(any(), anyLong(), any(), any());
        verify(payments, never()).settle(any(), any(), anyLong(), any(), any(), anyInt());
    }

    /**
     * The price a JSON {@code body} posted to {@code path} is quoted at: the amount of the challenge the mocked gateway
     * was asked for (the buyer gets a 402).
     */
    public static long quoted(PaymentGateway payments, String path, String body) {
        whenChallenged(payments).thenReturn(new IssuedChallenge("c", "Payment id=\"c\"", "x", 0));
        given().contentType(ContentType.JSON).body(body).post(path).then().statusCode(402);
        ArgumentCaptor<Long> amount = ArgumentCaptor.forClass(Long.class);
        verify(payments, atLeastOnce()).challenge(eq(path), amount.capture(), any(), any());
        return amount.getValue();
    }
}
