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
        return read(response.getStatus(), type == null ? MediaType.APPLICATION_JSON : type.toString(), body, mapper);
    }

    /** Reads an answer already in hand. */
    public static UpstreamResponse read(int status, String contentType, byte[] body, ObjectMapper mapper) {
        TokenUsage usage = TokenUsage.NONE;
        try {
            JsonNode root = mapper.readTree(body);
            if (root != null) {
                usage = UpstreamUsage.of(root.get("usage"));
                // documents are billed by pages, not tokens (Mistral OCR: usage_info.pages_processed)
                JsonNode pages = root.path("usage_info").path("pages_processed");
                if (pages.canConvertToLong()) {
                    usage = usage.withUnits(pages.asLong());
                }
            }
        } catch (Exception e) {
            // not JSON: nothing to count
        }
        return new UpstreamResponse(status, contentType, body, usage);
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
        Response raw;
        try {
            raw = call.get();
        } catch (WebApplicationException e) {
            raw = e.getResponse();
        }
        String retryAfter = raw.getHeaderString("Retry-After");
        UpstreamResponse response = read(raw, mapper);
        if (retryable(response.status())) {
            throw new UpstreamUnavailableException(response, UpstreamUnavailableException.parseRetryAfter(retryAfter));
        }
        return response;
    }

    /** 429 and 5xx are worth retrying before the first byte reaches the buyer. */
    public static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }
}
