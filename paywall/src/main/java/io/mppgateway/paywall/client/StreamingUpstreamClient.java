package io.mppgateway.paywall.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.service.TokenUsage;
import io.mppgateway.paywall.service.UpstreamResponse;
import io.mppgateway.paywall.service.UpstreamResponses;
import io.mppgateway.paywall.service.UpstreamStream;
import io.mppgateway.paywall.service.UpstreamUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;

/**
 * Opens a server-sent-events answer from an upstream and hands its body over unread, so it can be relayed chunk by
 * chunk. (The REST client reads whole bodies; the JDK client streams them.) Fault tolerance belongs on the provider's
 * client bean that calls this: a 429/5xx throws {@link UpstreamUnavailableException}, a connection error
 * {@link ProcessingException}, both before any byte has reached the buyer.
 */
@ApplicationScoped
public class StreamingUpstreamClient {
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ObjectMapper mapper;

    public StreamingUpstreamClient(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * POSTs a JSON body asking for {@code text/event-stream}.
     *
     * @param headersTimeout how long to wait for the status line and headers
     */
    public UpstreamStream open(URI uri, String bearer, byte[] body, Duration headersTimeout) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(headersTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("Authorization", bearer)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ProcessingException("upstream connection failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessingException("interrupted while waiting for the upstream", e);
        }
        String type = response.headers().firstValue("Content-Type").orElse("application/json");
        UpstreamStream stream = new UpstreamStream(response.statusCode(), type, response.body());
        if (UpstreamResponses.retryable(response.statusCode())) {
            byte[] errorBody = readBounded(stream);
            throw new UpstreamUnavailableException(
                    new UpstreamResponse(response.statusCode(), type, errorBody, TokenUsage.NONE),
                    UpstreamUnavailableException.parseRetryAfter(
                            response.headers().firstValue("Retry-After").orElse(null)));
        }
        return stream;
    }

    /** A non-stream answer (an error the upstream explained in JSON), read like the REST client would. */
    public UpstreamResponse readWhole(UpstreamStream stream) {
        byte[] body = readBounded(stream);
        return UpstreamResponses.read(stream.status(), stream.contentType(), body, mapper);
    }

    private static byte[] readBounded(UpstreamStream stream) {
        try (InputStream in = stream.body()) {
            return in.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
