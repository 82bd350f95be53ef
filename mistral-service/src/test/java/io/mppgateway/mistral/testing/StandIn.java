package io.mppgateway.mistral.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mppgateway.contracts.testing.LocalStack;

/** The WireMock stand-in's admin side: what our service sent it, and the switchable outage. */
public final class StandIn {
    public static final String URL = LocalStack.STANDIN;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private StandIn() {
    }

    /** Every request the stand-in received (any method, any Mistral path) whose body contains the marker. */
    public static List<JsonNode> requestsContaining(String marker) throws Exception {
        return find("{\"method\":\"ANY\",\"urlPattern\":\"/mistral/.*\",\"bodyPatterns\":[{\"contains\":"
                + JSON.writeValueAsString(marker) + "}]}");
    }

    /** How many requests reached this exact URL (path and query) with this method. */
    public static int count(String method, String url) throws Exception {
        return JSON.readTree(post("/__admin/requests/count",
                "{\"method\":\"" + method + "\",\"url\":\"" + url + "\"}")).path("count").asInt();
    }

    public static void outageBegins() throws Exception {
        post("/mistral/__standin/outage-begins", "");
    }

    public static void outageOver() throws Exception {
        post("/mistral/__standin/outage-over", "");
    }

    private static List<JsonNode> find(String criteria) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        JSON.readTree(post("/__admin/requests/find", criteria)).path("requests").forEach(found::add);
        return found;
    }

    private static String post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(URL + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
