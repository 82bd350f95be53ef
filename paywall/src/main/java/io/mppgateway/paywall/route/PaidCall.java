package io.mppgateway.paywall.route;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.pricing.InvalidRequestException;

/**
 * A request to a paid route as its price rule sees it, before any payment: the exact body bytes (bound to the
 * challenge by digest), the path as called with its parameters, and the query string.
 */
public final class PaidCall {
    private final String route;
    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final String query;
    private final byte[] body;
    private final ObjectMapper mapper;
    private JsonNode json;

    /** @param route the paid route's name in the route table (per-route limits are configured by it) */
    public PaidCall(String route, String method, String path, Map<String, String> pathParams, String query, byte[] body,
            ObjectMapper mapper) {
        this.route = route;
        this.method = method;
        this.path = path;
        this.pathParams = Map.copyOf(pathParams);
        this.query = query;
        this.body = body == null ? new byte[0] : body;
        this.mapper = mapper;
    }

    /** The paid route's name, e.g. {@code chat}. */
    public String route() {
        return route;
    }

    /** GET or POST. */
    public String method() {
        return method;
    }

    /** The path called, e.g. {@code /v1/models/codestral-latest}: the route a challenge is bound to. */
    public String path() {
        return path;
    }

    /** A path parameter of the sold path's template, e.g. {@code model_id}. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public Map<String, String> pathParams() {
        return pathParams;
    }

    /** The raw query string, or null. */
    public String query() {
        return query;
    }

    public byte[] body() {
        return body;
    }

    public boolean hasBody() {
        return body.length > 0;
    }

    /** The body as a JSON object (parsed once), or a pre-payment rejection. */
    public JsonNode json() {
        if (json == null) {
            json = jsonObject(body, mapper);
        }
        return json;
    }

    /** A request body as a JSON object, or the pre-payment rejection {@code invalid_json}. */
    public static JsonNode jsonObject(byte[] body, ObjectMapper mapper) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (Exception e) {
            throw new InvalidRequestException(null, "invalid_json", "request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException(null, "invalid_json", "request body must be a JSON object");
        }
        return root;
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
