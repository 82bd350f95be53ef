package io.mppgateway.paywall.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A buyer of a paid {@code stream:true} route, as provider tests need one: it pays with the given
 * {@code Authorization} value and reads the OpenAI-style chat completion chunks the gateway relays as server-sent
 * events — timed as they arrive, whole, or only the first few before hanging up.
 */
public final class SseBuyer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI root;
    private final String authorization;
    // a client of its own: no pooled connection carries over from another test's cut or broken stream
    private final HttpClient http = HttpClient.newHttpClient();

    /** An event's data and when it reached the buyer, in ms after the request was sent. */
    public record TimedEvent(long atMs, String data) {
    }

    /** A buyer of the service at {@code root} (e.g. a test's {@code @TestHTTPResource("/")}), paying this way. */
    public SseBuyer(URL root, String authorization) {
        this.root = URI.create(root.toString());
        this.authorization = authorization;
    }

    /** POSTs the body asking for an event stream; the answer's body is left to read as it arrives. */
    public HttpResponse<InputStream> openStream(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(root.resolve(path))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** POSTs the body and waits for the whole answer, however its stream ends. */
    public HttpResponse<String> readWhole(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(root.resolve(path))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * POSTs the body over a raw socket, reads until {@code wanted} events carrying content have arrived, then hangs up
     * mid-stream (an HTTP client would drain or pool the connection instead). Returns how many it read, which is
     * fewer than wanted only when the stream ended first.
     */
    public int readContentEventsThenHangUp(String path, String body, int wanted) throws IOException {
        int[] contentEvents = { 0 };
        readThenHangUp(path, body, chunk -> {
            if (!chunk.at("/choices/0/delta/content").asText().isEmpty()) {
                contentEvents[0]++;
            }
            return contentEvents[0] >= wanted;
        });
        return contentEvents[0];
    }

    /**
     * POSTs the body over a raw socket, reads until the chunk carrying a {@code finish_reason}, then hangs up before
     * whatever follows it (a usage chunk, {@code [DONE]}). Returns how many content events it read.
     */
    public int readToFinishReasonThenHangUp(String path, String body) throws IOException {
        int[] contentEvents = { 0 };
        readThenHangUp(path, body, chunk -> {
            if (!chunk.at("/choices/0/delta/content").asText().isEmpty()) {
                contentEvents[0]++;
            }
            JsonNode finish = chunk.at("/choices/0/finish_reason");
            return finish.isTextual();
        });
        return contentEvents[0];
    }

    /** Reads chunk by chunk until {@code enough} says so (or the stream ends), then closes the socket. */
    private void readThenHangUp(String path, String body, java.util.function.Predicate<JsonNode> enough)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + root.resolve(path).getRawPath() + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nAuthorization: " + authorization + "\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: {") && enough.test(JSON.readTree(line.substring(6)))) {
                    return;
                }
            }
        }
    }

    /** Every event's data, stamped with when it arrived relative to {@code sentNanos} ({@link System#nanoTime()}). */
    public static List<TimedEvent> timedEvents(HttpResponse<InputStream> response, long sentNanos)
            throws IOException {
        List<TimedEvent> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(new TimedEvent((System.nanoTime() - sentNanos) / 1_000_000, line.substring(6)));
                }
            }
        }
        return events;
    }

    /** The head of a paid stream's answer: 200, an event stream, the payment receipt, and private caching only. */
    public static void assertPaidStreamHeaders(HttpResponse<?> response) {
        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(SimulatedSettlement.RECEIPT, response.headers().firstValue("Payment-Receipt").orElseThrow());
        assertTrue(response.headers().firstValue("Cache-Control").orElseThrow().startsWith("private"));
    }

    /**
     * Not buffered: the first event was in the buyer's hands at least {@code minSpreadMs} before the event at
     * {@code lastIndex}, as the stand-in paces its events and a relay that buffered would hand them over at once.
     */
    public static void assertRelayedAsTheyArrived(List<TimedEvent> events, int lastIndex, long minSpreadMs) {
        long firstMs = events.getFirst().atMs();
        long lastMs = events.get(lastIndex).atMs();
        assertTrue(lastMs - firstMs >= minSpreadMs, "first event at " + firstMs + " ms, last at " + lastMs + " ms");
    }

    /**
     * The chunks of a complete stream, checking it is what OpenAI-style chat streams are: a 200 of data-only events
     * ending with {@code [DONE]}, every chunk free of {@code chunkProblems} (the provider's spec), the first delta
     * carrying the role, one id for the whole stream. Returns the chunks before {@code [DONE]}.
     */
    public static List<JsonNode> chunksOfCompleteStream(HttpResponse<String> response,
            Function<JsonNode, List<String>> chunkProblems) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> data = new ArrayList<>();
        for (String event : response.body().split("\n\n")) {
            assertTrue(event.startsWith("data: "), "data-only events: " + event);
            data.add(event.substring(6));
        }
        assertEquals("[DONE]", data.getLast());
        List<JsonNode> chunks = new ArrayList<>();
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = JSON.readTree(d);
            assertEquals(List.of(), chunkProblems.apply(chunk), d);
            chunks.add(chunk);
        }
        assertEquals("assistant", chunks.getFirst().at("/choices/0/delta/role").asText(), "first delta has the role");
        assertEquals(1, chunks.stream().map(c -> c.path("id").asText()).distinct().count(), "one id per stream");
        return chunks;
    }
}
