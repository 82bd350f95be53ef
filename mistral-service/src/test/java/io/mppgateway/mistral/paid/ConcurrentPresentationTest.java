package io.mppgateway.mistral.paid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.client.SettlementOutcome;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;

/**
 * One payment, one delivery (issue 9 item 2): when one credential is presented several times at once, payment-service
 * settles it for one request and answers the others 409 payment-in-progress. The others giving up must not take
 * the release away from the one that won: exactly one 200, never none.
 */
@QuarkusTest
class ConcurrentPresentationTest {
    private static final int PRESENTATIONS = 10;
    private static final String CHAT = """
            {"model":"mistral-small-latest","max_tokens":100,"messages":[{"role":"user","content":"Say hi"}]}""";
    private static final String IN_PROGRESS = "{\"type\":\"https://paymentauth.org/problems/payment-in-progress\","
            + "\"title\":\"Payment In Progress\",\"status\":409,\"detail\":\"this payment is being delivered\"}";

    @InjectMock
    PaymentGateway payments;

    @TestHTTPResource("/")
    URL root;

    @Test
    void tenPresentationsOfOneCredentialAtOnceAreServedExactlyOnceAndTheOthersAreAskedToRetry() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            AtomicInteger presented = new AtomicInteger();
            CountDownLatch othersAnswered = new CountDownLatch(PRESENTATIONS - 1);
            GatewayMock.whenSettling(payments).thenAnswer(invocation -> {
                if (presented.getAndIncrement() > 0) {
                    return Uni.createFrom().item(() -> {
                        othersAnswered.countDown();
                        return new SettlementOutcome.Rejected(409, IN_PROGRESS, null, "1");
                    });
                }
                // the first presentation claims the payment; its settled event is published only once every other
                // presentation has been answered 409 and has given up waiting
                return Uni.createFrom().item(() -> {
                    try {
                        othersAnswered.await(20, TimeUnit.SECONDS);
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    settlement.publishSettled("mistral", "/mistral/chat", 5000);
                    return settlement.settled(5000);
                });
            });

            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < PRESENTATIONS; i++) {
                answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(root + "mistral/chat"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", settlement.credential())
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                byStatus.merge(response.statusCode(), 1, Integer::sum);
                if (response.statusCode() == 409) {
                    assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
                    assertTrue(response.body().contains("payment-in-progress"), response.body());
                    assertTrue(response.headers().firstValue("Payment-Receipt").isEmpty());
                } else if (response.statusCode() == 200) {
                    assertEquals(SimulatedSettlement.RECEIPT,
                            response.headers().firstValue("Payment-Receipt").orElse(null));
                }
            }
            assertEquals(Map.of(200, 1, 409, PRESENTATIONS - 1), byStatus, "one delivery, the others told to retry");
            assertEquals("FULFILLED", settlement.awaitUsage().path("outcome").asText());
        }
    }
}
