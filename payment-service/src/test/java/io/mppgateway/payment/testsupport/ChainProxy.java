package io.mppgateway.payment.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A JSON-RPC proxy in front of the local chain that can fail on demand: FORWARD everything, STALL broadcasts (never
 * forwarded, answered only after the client gave up), LOSE_BROADCAST_ANSWER (forwarded, so the chain includes the
 * transaction, but the answer never reaches the client) or be DOWN (HTTP 503 for every call).
 */
public class ChainProxy implements QuarkusTestResourceLifecycleManager {
    public enum Mode { FORWARD, STALL_BROADCAST, LOSE_BROADCAST_ANSWER, DOWN }

    public static volatile Mode mode = Mode.FORWARD;
    public static final AtomicInteger calls = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String json = new String(body, StandardCharsets.UTF_8);
            try {
                if (mode == Mode.DOWN) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                if (mode == Mode.STALL_BROADCAST && json.contains("eth_sendRawTransaction")) {
                    Thread.sleep(8_000);
                    exchange.sendResponseHeaders(504, -1);
                    return;
                }
                HttpResponse<byte[]> upstream = HTTP.send(HttpRequest.newBuilder(URI.create(DevChain.RPC))
                        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                if (mode == Mode.LOSE_BROADCAST_ANSWER && json.contains("eth_sendRawTransaction")) {
                    Thread.sleep(8_000);
                    exchange.sendResponseHeaders(504, -1);
                    return;
                }
                exchange.getResponseHeaders().add("content-type", "application/json");
                exchange.sendResponseHeaders(upstream.statusCode(), upstream.body().length);
                exchange.getResponseBody().write(upstream.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client went away (it timed out): nothing to answer
            } finally {
                exchange.close();
            }
        });
        server.start();
        return Map.of("quarkus.rest-client.tempo-rpc.url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "quarkus.rest-client.tempo-rpc.read-timeout", "1500",
                "payment.broadcast-lease", "PT1S");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
