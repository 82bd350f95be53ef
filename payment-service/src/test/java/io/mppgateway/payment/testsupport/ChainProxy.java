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
 * transaction, but the answer never reaches the client), LOSE_BROADCAST_AND_RECEIPTS (the same, and receipt look-ups
 * fail with HTTP 503 too), REFUSE_BROADCAST_HIDE_RECEIPTS (forwarded, so the chain includes it, but answered with a
 * JSON-RPC refusal -32000, and receipts are answered "unknown") or be DOWN (HTTP 503 for every call).
 */
public class ChainProxy implements QuarkusTestResourceLifecycleManager {
    public enum Mode {
        FORWARD, STALL_BROADCAST, LOSE_BROADCAST_ANSWER, LOSE_BROADCAST_AND_RECEIPTS, REFUSE_BROADCAST_HIDE_RECEIPTS,
        DOWN
    }

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
                boolean receipt = json.contains("eth_getTransactionReceipt");
                if (mode == Mode.LOSE_BROADCAST_AND_RECEIPTS && receipt) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                if (mode == Mode.REFUSE_BROADCAST_HIDE_RECEIPTS && receipt) {
                    answer(exchange, "{\"jsonrpc\":\"2.0\",\"id\":" + id(json) + ",\"result\":null}");
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
                if (mode == Mode.LOSE_BROADCAST_AND_RECEIPTS && json.contains("eth_sendRawTransaction")) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                if (mode == Mode.REFUSE_BROADCAST_HIDE_RECEIPTS && json.contains("eth_sendRawTransaction")) {
                    answer(exchange, "{\"jsonrpc\":\"2.0\",\"id\":" + id(json)
                            + ",\"error\":{\"code\":-32000,\"message\":\"transaction already imported\"}}");
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

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String id(String request) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(request);
        return m.find() ? m.group(1) : "1";
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
