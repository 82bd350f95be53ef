package io.mppgateway.mistral.chat.client;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.service.UpstreamResponse;
import io.mppgateway.paywall.service.UpstreamResponses;
import io.mppgateway.paywall.service.UpstreamUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Calls Mistral after payment: bounded in time, retried on 429/5xx/connection errors, behind a circuit breaker. */
@ApplicationScoped
public class MistralClient {
    private final MistralApi api;
    private final ObjectMapper mapper;
    private final String bearer;

    public MistralClient(@RestClient MistralApi api, ObjectMapper mapper,
            @ConfigProperty(name = "mistral.api-key") String apiKey) {
        this.api = api;
        this.mapper = mapper;
        this.bearer = "Bearer " + apiKey;
    }

    @Timeout(60000)
    @Retry(maxRetries = 2, delay = 300, jitter = 100,
            retryOn = { ProcessingException.class, UpstreamUnavailableException.class })
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10000)
    public UpstreamResponse chatCompletions(byte[] body) {
        return UpstreamResponses.call(() -> api.chatCompletions(bearer, body), mapper);
    }
}
