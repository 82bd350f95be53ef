package io.mppgateway.mistral.upstream.client;

import java.net.URI;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.mistral.upstream.config.MistralUpstreamConfig;
import io.mppgateway.paywall.client.StreamingUpstreamClient;
import io.mppgateway.paywall.service.HonourRetryAfter;
import io.mppgateway.paywall.service.UpstreamResponse;
import io.mppgateway.paywall.service.UpstreamResponses;
import io.mppgateway.paywall.service.UpstreamStream;
import io.mppgateway.paywall.service.UpstreamUnavailableException;
import io.smallrye.faulttolerance.api.BeforeRetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Calls Mistral after payment. Every call is bounded in time, retried on 429 (after its Retry-After), 5xx and
 * connection errors — all before the first byte reaches the buyer — and guarded by a circuit breaker. Tune per
 * environment with {@code quarkus.fault-tolerance."io.mppgateway.mistral.upstream.client.MistralClient".*}.
 */
@ApplicationScoped
@Timeout(60000)
@Retry(maxRetries = 2, delay = 300, jitter = 100,
        retryOn = { ProcessingException.class, UpstreamUnavailableException.class })
@BeforeRetry(HonourRetryAfter.class)
@CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10000)
public class MistralClient {
    private final MistralApi api;
    private final StreamingUpstreamClient streams;
    private final MistralUpstreamConfig config;
    private final ObjectMapper mapper;
    private final String bearer;

    public MistralClient(@RestClient MistralApi api, StreamingUpstreamClient streams, MistralUpstreamConfig config,
            ObjectMapper mapper) {
        this.api = api;
        this.streams = streams;
        this.config = config;
        this.mapper = mapper;
        this.bearer = "Bearer " + config.apiKey();
    }

    public UpstreamResponse call(MistralOperation operation, byte[] body) {
        return UpstreamResponses.call(() -> switch (operation) {
            case CHAT_COMPLETIONS -> api.chatCompletions(bearer, body);
            case FIM_COMPLETIONS -> api.fimCompletions(bearer, body);
            case EMBEDDINGS -> api.embeddings(bearer, body);
            case MODERATIONS -> api.moderations(bearer, body);
            case CHAT_MODERATIONS -> api.chatModerations(bearer, body);
            case OCR -> api.ocr(bearer, body);
        }, mapper);
    }

    /**
     * Returns once the stream's status and headers are in; its events are read by the relay (with its own idle
     * timeout). The timeout here covers only the wait for the first byte, so it has its own configuration key.
     */
    @Timeout(60000)
    public UpstreamStream openStream(MistralOperation operation, byte[] body) {
        return streams.open(URI.create(config.baseUrl().replaceAll("/+$", "") + operation.path()), bearer, body,
                config.streamHeadersTimeout());
    }

    public UpstreamResponse listModels(String provider, String model) {
        return UpstreamResponses.call(() -> api.listModels(bearer, provider, model), mapper);
    }

    public UpstreamResponse retrieveModel(String modelId) {
        return UpstreamResponses.call(() -> api.retrieveModel(bearer, modelId), mapper);
    }
}
