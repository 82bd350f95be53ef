package io.mppgateway.paywall.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.testing.LocalStack;

/**
 * The WireMock stand-in's admin side, for one provider's part of it ({@code /mistral}, {@code /xai}): what our
 * service sent it, and the switchable outage.
 */
public final class StandIn {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix;

    private StandIn(String prefix) {
        this.prefix = prefix;
    }

    /** The stand-in's side for the provider whose API it serves below {@code prefix}, e.g. {@code /mistral}. */
    public static StandIn at(String prefix) {
        return new StandIn(prefix);
    }

    /** Every request the stand-in received (any method, any of this provider's paths) whose body contains the marker. */
    public List<JsonNode> requestsContaining(String marker) throws Exception {
        return find("{\"method\":\"ANY\",\"urlPattern\":\"" + prefix + "/.*\",\"bodyPatterns\":[{\"contains\":"
                + JSON.writeValueAsString(marker) + "}]}");
    }

    /** The body of the one request whose body contains the marker, as JSON. */
    public JsonNode onlyBodyContaining(String marker) throws Exception {
        List<JsonNode> found = requestsContaining(marker);
        if (found.size() != 1) {
            throw new AssertionError("expected one upstream request containing " + marker + ", got " + found);
        }
        return JSON.readTree(found.getFirst().path("body").asText());
    }

    /** How many requests reached this exact URL (path and query) with this method. */
    public int count(String method, String url) throws Exception {
        return JSON.readTree(post("/__admin/requests/count",
                "{\"method\":\"" + method + "\",\"url\":\"" + url + "\"}")).path("count").asInt();
    }

    public void outageBegins() throws Exception {
        post(prefix + "/__standin/outage-begins", "");
    }

    public void outageOver() throws Exception {
        post(prefix + "/__standin/outage-over", "");
    }

    private List<JsonNode> find(String criteria) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        JSON.readTree(post("/__admin/requests/find", criteria)).path("requests").forEach(found::add);
        return found;
    }

    private static String post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(LocalStack.STANDIN + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
