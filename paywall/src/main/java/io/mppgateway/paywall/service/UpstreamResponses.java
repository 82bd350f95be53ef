package io.mppgateway.paywall.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Turns what a provider's REST client got into an {@link UpstreamResponse}, usage included. */
public final class UpstreamResponses {
    private UpstreamResponses() {
    }

    /** Reads a JSON answer; a non-JSON or usage-less body yields no usage rather than an error. */
    public static UpstreamResponse read(Response response, ObjectMapper mapper) {
        byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
        MediaType type = response.getMediaType();
        TokenUsage usage = TokenUsage.NONE;
        try {
            JsonNode root = mapper.readTree(body);
            if (root != null) {
                usage = UpstreamUsage.of(root.get("usage"));
            }
        } catch (Exception e) {
            // not JSON: nothing to count
        }
        return new UpstreamResponse(response.getStatus(),
                type == null ? MediaType.APPLICATION_JSON : type.toString(), body, usage);
    }

    /** An error status from the REST client, read like any other answer. */
    public static UpstreamResponse read(WebApplicationException e, ObjectMapper mapper) {
        return read(e.getResponse(), mapper);
    }

    /**
     * Makes one upstream call and reads its answer, error statuses included; throws
     * {@link UpstreamUnavailableException} on 429/5xx so the caller's {@code @Retry} tries again.
     */
    public static UpstreamResponse call(java.util.function.Supplier<Response> call, ObjectMapper mapper) {
        UpstreamResponse response;
        try {
            response = read(call.get(), mapper);
        } catch (WebApplicationException e) {
            response = read(e, mapper);
        }
        if (retryable(response.status())) {
            throw new UpstreamUnavailableException(response);
        }
        return response;
    }

    /** 429 and 5xx are worth retrying before the first byte reaches the buyer. */
    public static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }
}
