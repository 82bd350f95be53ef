package io.mppgateway.grok.chat.client;

import java.net.URI;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.grok.chat.config.XaiUpstreamConfig;
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
 * Calls xAI after payment: bounded in time, retried on 429 (after its Retry-After, as xAI asks), 5xx and connection
 * errors (all before the first byte reaches the buyer), behind a circuit breaker. Tune per environment with
 * {@code quarkus.fault-tolerance."io.mppgateway.grok.chat.client.XaiClient/<method>".*}.
 */
@ApplicationScoped
public class XaiClient {
    private static final String CHAT_COMPLETIONS = "/v1/chat/completions";

    private final XaiApi api;
    private final StreamingUpstreamClient streams;
    private final XaiUpstreamConfig config;
    private final ObjectMapper mapper;
    private final String bearer;

    public XaiClient(@RestClient XaiApi api, StreamingUpstreamClient streams, XaiUpstreamConfig config,
            ObjectMapper mapper) {
        this.api = api;
        this.streams = streams;
        this.config = config;
        this.mapper = mapper;
        this.bearer = "Bearer " + config.apiKey();
    }

    /** Reasoning models think before they answer, so the timeout is longer than Mistral's. */
    @Timeout(120000)
    @Retry(maxRetries = 2, delay = 300, jitter = 100,
            retryOn = { ProcessingException.class, UpstreamUnavailableException.class })
    @BeforeRetry(HonourRetryAfter.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10000)
    public UpstreamResponse chatCompletions(byte[] body) {
        return UpstreamResponses.call(() -> api.chatCompletions(bearer, body), mapper);
    }

    /**
     * Returns once the stream's status and headers are in; its events are read by the paywall's relay (with its
     * own idle timeout), so the timeout here covers only the wait for the first byte.
     */
    @Timeout(120000)
    @Retry(maxRetries = 2, delay = 300, jitter = 100,
            retryOn = { ProcessingException.class, UpstreamUnavailableException.class })
    @BeforeRetry(HonourRetryAfter.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10000)
    public UpstreamStream openChatCompletionsStream(byte[] body) {
        return streams.open(URI.create(config.baseUrl().replaceAll("/+$", "") + CHAT_COMPLETIONS), bearer, body,
                config.streamHeadersTimeout());
    }
}
