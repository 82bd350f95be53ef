package io.mppgateway.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** POST; headers as name/value pairs (a name may repeat). */
    static Answer post(String url, byte[] body, List<String[]> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (String[] h : headers) {
            b.header(h[0], h[1]);
        }
        HttpRequest request = b.build();
        try {
            HttpResponse<String> r;
            try {
                r = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException closed) {
                // a pooled keep-alive connection the server closed after its previous answer (e.g. a 431 for a 20 kB
                // header): what any client does, ask once more on a new connection
                r = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            }
            return new Answer(r.statusCode(), r.headers().firstValue("content-type").orElse(""),
                    r.headers().firstValue("www-authenticate").orElse(null), r.body());
        } catch (IOException e) {
            throw new IllegalStateException("no answer from " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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

    static long marked(String sqlTemplate) {
        if (CHALLENGE_IDS.isEmpty()) {
            return 0;
        }
        String ids = String.join(",", CHALLENGE_IDS.stream().map(id -> "'" + id.replace("'", "''") + "'").toList());
        return count("payments", sqlTemplate.replace("?", ids));
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
            return new State(marked("SELECT count(*) FROM charges WHERE challenge_id IN (?)"),
                    marked("SELECT count(*) FROM outbox WHERE message_key IN (?)"), markedUpstreamCalls(),
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
