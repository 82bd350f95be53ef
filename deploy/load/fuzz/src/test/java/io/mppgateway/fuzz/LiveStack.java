package io.mppgateway.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The running local stack as the fuzzers see it: the providers' public URLs (lane environment of
 * deploy/local/lane-env.sh), the payments database (rows that rejected input must not create) and the upstream
 * stand-in's request journal (calls that rejected input must not cause).
 */
final class LiveStack {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MISTRAL = env("MISTRAL_SERVICE_URL", "http://127.0.0.1:8082");
    static final String GROK = env("GROK_SERVICE_URL", "http://127.0.0.1:8083");
    static final String STANDIN = env("STANDIN_URL", "http://127.0.0.1:8090");
    static final String PG_PORT = env("LANE_PG_PORT", "5432");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    static final String PROBLEM_BASE = "https://paymentauth.org/problems/";

    private LiveStack() {
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    record Answer(int status, String contentType, String wwwAuthenticate, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
    }

    /**
     * One input as sent: URL, body, headers as name/value pairs (a name may repeat), and the input's description for
     * failure reports. The properties send it with {@link #post(Request)}, the volume run with {@link #sendAsync}.
     */
    record Request(String url, byte[] body, List<String[]> headers, String input) {
        /** @throws IllegalArgumentException for a header java.net.http refuses to send (control characters) */
        HttpRequest http() {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            for (String[] h : headers) {
                b.header(h[0], h[1]);
            }
            return b.build();
        }
    }

    /** POST; headers as name/value pairs (a name may repeat). */
    static Answer post(String url, byte[] body, List<String[]> headers) {
        return post(new Request(url, body, headers, ""));
    }

    /** @throws IllegalArgumentException for a header java.net.http refuses to send (control characters) */
    static Answer post(Request r) {
        HttpRequest request = r.http();
        try {
            HttpResponse<String> resp;
            try {
                resp = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException closed) {
                // a pooled keep-alive connection the server closed after its previous answer (e.g. a 431 for a 20 kB
                // header): what any client does, ask once more on a new connection
                resp = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            }
            return answer(resp);
        } catch (IOException e) {
            throw new IllegalStateException("no answer from " + r.url() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The same request without waiting (the volume run keeps many in flight); a closed keep-alive connection is asked
     * once more as {@link #post(Request)} does, a timeout is not (it completes exceptionally with
     * {@link java.net.http.HttpTimeoutException}).
     */
    static CompletableFuture<Answer> sendAsync(HttpRequest request) {
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .exceptionallyCompose(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    return cause instanceof IOException && !(cause instanceof HttpTimeoutException)
                            ? HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                            : CompletableFuture.failedFuture(cause);
                })
                .thenApply(LiveStack::answer);
    }

    private static Answer answer(HttpResponse<String> r) {
        return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(""),
                r.headers().firstValue("www-authenticate").orElse(null), r.body());
    }

    /** The auth-params of a {@code WWW-Authenticate: Payment …} value. */
    static Map<String, String> challengeParams(String header) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(header);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        return params;
    }

    static long count(String db, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PG_PORT + "/" + db, "gateway",
                "gateway"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("payments database on port " + PG_PORT + ": " + e.getMessage(), e);
        }
    }

    /** Calls the stand-in received on the providers' upstream APIs (POST /mistral/v1/…, /xai/v1/…). */
    static long upstreamCalls() {
        Answer a = post(STANDIN + "/__admin/requests/count",
                "{\"method\":\"POST\",\"urlPattern\":\"/(mistral|xai)/v1/.*\"}".getBytes(StandardCharsets.UTF_8),
                List.<String[]>of(new String[] {"content-type", "application/json"}));
        return a.json().path("count").asLong();
    }

    /** Marks this run's bodies, so the stand-in's journal tells its upstream calls apart from anyone else's. */
    static final String MARKER = "fuzz-" + Long.toHexString(System.nanoTime());
    /** Every challenge id the fuzzers were given: rejected input must not create a charge or event for any of them. */
    static final java.util.Set<String> CHALLENGE_IDS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * -Dfuzz.exclusive=true (deploy/test.sh): nothing else uses the stack meanwhile, so no charge at all may be added
     * and the stand-in may receive no call at all, whatever the fuzzers sent.
     */
    static final boolean EXCLUSIVE = Boolean.getBoolean("fuzz.exclusive");

    static void saw(Answer a) {
        if (a.wwwAuthenticate() != null) {
            String id = challengeParams(a.wwwAuthenticate()).get("id");
            if (id != null) {
                CHALLENGE_IDS.add(id);
            }
        }
    }

    /**
     * A count over the rows whose key is one of {@link #CHALLENGE_IDS}: the ids go as one text[] parameter
     * ({@code = ANY (?)}), not as an IN list, so a volume run's 10^5–10^6 challenges are one statement with one parameter.
     */
    static long marked(String sqlTemplate) {
        if (CHALLENGE_IDS.isEmpty()) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PG_PORT + "/payments",
                "gateway", "gateway"); PreparedStatement s = c.prepareStatement(sqlTemplate)) {
            s.setArray(1, c.createArrayOf("text", CHALLENGE_IDS.toArray(new String[0])));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("payments database on port " + PG_PORT + ": " + e.getMessage(), e);
        }
    }

    static long markedUpstreamCalls() {
        Answer a = post(STANDIN + "/__admin/requests/count",
                ("{\"method\":\"POST\",\"urlPattern\":\"/(mistral|xai)/v1/.*\",\"bodyPatterns\":[{\"contains\":\""
                        + MARKER + "\"}]}").getBytes(StandardCharsets.UTF_8),
                List.<String[]>of(new String[] {"content-type", "application/json"}));
        return a.json().path("count").asLong();
    }

    /**
     * What rejected input must leave untouched: charges and outbox events of the challenges the fuzzers were given,
     * upstream calls carrying the run's marker; with {@link #EXCLUSIVE}, every charge, event and upstream call.
     */
    record State(long charges, long outbox, long upstream, long allCharges, long allUpstream) {
        static State now() {
            // (not the whole outbox: earlier tests' charges may still be refunded or reconciled meanwhile)
            return new State(marked("SELECT count(*) FROM charges WHERE challenge_id = ANY (?)"),
                    marked("SELECT count(*) FROM outbox WHERE message_key = ANY (?)"), markedUpstreamCalls(),
                    EXCLUSIVE ? count("payments", "SELECT count(*) FROM charges") : 0,
                    EXCLUSIVE ? upstreamCalls() : 0);
        }

        /** Compared with the state before the run: rejected input may not have changed any of it. */
        void unchangedSince(State before, String what) {
            boolean same = charges == 0 && outbox == 0 && upstream == 0 && allCharges == before.allCharges
                    && allUpstream == before.allUpstream;
            if (!same) {
                throw new AssertionError(what + " changed state: before " + before + ", after " + this
                        + " (charges/outbox: rows of the " + CHALLENGE_IDS.size() + " challenges the fuzzers were given;"
                        + " upstream: calls with marker " + MARKER + "; all*: every charge and upstream call, checked with"
                        + " -Dfuzz.exclusive=true)");
            }
        }
    }
}
