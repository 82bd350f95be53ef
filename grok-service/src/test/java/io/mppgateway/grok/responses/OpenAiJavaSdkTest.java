package io.mppgateway.grok.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.client.okhttp.OkHttpClient;
import com.openai.core.ClientOptions;
import com.openai.core.JsonValue;
import com.openai.core.RequestOptions;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;

import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.paywall.client.PaymentGateway;
import io.mppgateway.paywall.testing.GatewayMock;
import io.mppgateway.paywall.testing.SimulatedSettlement;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK ({@code com.openai:openai-java}) pointed at grok-service's {@code /v1}, its HTTP client
 * overridden to pay: a 402 is answered with the test buyer's credential ({@link SimulatedSettlement}) and the request
 * sent again, as an MPP client does. The SDK parses the paid answers as its own: a response with web search, a
 * streamed response's typed events, a model card.
 */
@QuarkusTest
class OpenAiJavaSdkTest {
    @InjectMock
    PaymentGateway payments;

    @TestHTTPResource("/v1")
    URL v1;

    /** openai-java's own OkHttp client, paying each 402 once with the buyer's credential. */
    static final class PayingHttpClient implements HttpClient {
        private final HttpClient http = OkHttpClient.builder().timeout(Duration.ofSeconds(30)).build();
        private final String credential;
        final AtomicInteger challenges = new AtomicInteger();

        PayingHttpClient(String credential) {
            this.credential = credential;
        }

        @Override
        public HttpResponse execute(HttpRequest request, RequestOptions options) {
            HttpResponse first = http.execute(request, options);
            if (first.statusCode() != 402) {
                return first;
            }
            assertTrue(first.headers().values("WWW-Authenticate").getFirst().startsWith("Payment "));
            first.close();
            challenges.incrementAndGet();
            return http.execute(request.toBuilder().replaceHeaders("Authorization", credential).build(), options);
        }

        @Override
        public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
            return CompletableFuture.supplyAsync(() -> execute(request, options));
        }

        @Override
        public void close() {
            http.close();
        }
    }

    private OpenAIClient client(PayingHttpClient paying) {
        return new OpenAIClientImpl(ClientOptions.builder().httpClient(paying).baseUrl(v1.toString())
                .apiKey("unused-mpp-pays").maxRetries(0).build());
    }

    @Test
    void responsesCreateWithWebSearchIsPaidAndParsedByTheSdk() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenChallenged(payments).thenReturn(new IssuedChallenge("c", "Payment id=\"c\"", "x", 0));
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/responses", 100_000));
            PayingHttpClient paying = new PayingHttpClient(settlement.credential());
            Response response = client(paying).responses().create(ResponseCreateParams.builder()
                    .model("grok-4-fast").input("Why is the sky blue?").maxOutputTokens(256L)
                    .additionalBodyProperties(Map.of("tools", JsonValue.from(List.of(Map.of("type", "web_search")))))
                    .build());
            assertEquals(1, paying.challenges.get(), "one 402, paid once");
            assertTrue(response.output().getFirst().webSearchCall().isPresent());
            var text = response.output().stream().filter(ResponseOutputItem::isMessage).findFirst().orElseThrow()
                    .message().orElseThrow().content().getFirst().outputText().orElseThrow();
            assertTrue(text.text().contains("Rayleigh"), text.text());
            assertEquals("https://en.wikipedia.org/wiki/Rayleigh_scattering",
                    text.annotations().getFirst().urlCitation().orElseThrow().url());
            assertEquals(2185, response.usage().orElseThrow().totalTokens());
            JsonNode usage = settlement.awaitUsage();
            assertEquals(2, usage.path("toolCalls").asLong());
            assertEquals(10_500, usage.path("upstreamCost").asLong());
        }
    }

    @Test
    void createStreamingYieldsTheTypedEventsThroughTheSdk() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenChallenged(payments).thenReturn(new IssuedChallenge("c", "Payment id=\"c\"", "x", 0));
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/responses", 10_000));
            StringBuilder text = new StringBuilder();
            List<ResponseStreamEvent> events;
            try (StreamResponse<ResponseStreamEvent> stream = client(new PayingHttpClient(settlement.credential()))
                    .responses().createStreaming(ResponseCreateParams.builder().model("grok-3").input("Say hello")
                            .maxOutputTokens(64L).build())) {
                events = stream.stream().toList();
            }
            events.forEach(e -> e.outputTextDelta().ifPresent(d -> text.append(d.delta())));
            assertTrue(events.getFirst().isCreated());
            assertTrue(events.getLast().isCompleted());
            assertEquals("Hello from the local xAI (Grok) stand-in.", text.toString());
            assertEquals(150, events.getLast().completed().orElseThrow().response().usage().orElseThrow().totalTokens());
            assertEquals(150, settlement.awaitUsage().path("totalTokens").asLong());
        }
    }

    @Test
    void modelsRetrieveIsPaidAndCarriesTheGatewaysPrices() throws Exception {
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            SimulatedSettlement settlement = new SimulatedSettlement(kafka, payments);
            GatewayMock.whenChallenged(payments).thenReturn(new IssuedChallenge("c", "Payment id=\"c\"", "x", 0));
            GatewayMock.whenSettling(payments).thenAnswer(settlement.settles("grok", "/v1/models/grok-4", 8000));
            var model = client(new PayingHttpClient(settlement.credential())).models().retrieve("grok-4");
            assertEquals("grok-4", model.id());
            JsonNode pricing = model._additionalProperties().get("gateway_pricing").convert(JsonNode.class);
            assertEquals(3_600_000L, pricing.path("input_per_million").asLong());
            assertEquals("grok-4", settlement.awaitUsage().path("model").asText());
        }
    }
}
