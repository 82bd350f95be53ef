package io.mppgateway.ledger.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.ledger.support.TestEvents;
import io.mppgateway.ledger.support.TestEvents.Settled;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * The built ledger jar runs as a separate process on topics, a consumer group and a database schema of its own.
 * It is killed with SIGKILL while it books a backlog (records received, some transactions committed, offsets not
 * yet committed), then restarted: the ledger must end exactly right, with the redelivered events skipped.
 */
class ConsumerCrashIT {
    private static final String DB = LocalStack.jdbcUrl("ledger_test");
    private static final int CHARGES = 600;

    private final String run = "crash" + TestEvents.suffix();
    private final String schema = "crash_it_" + run.substring(5);
    private Process ledger;

    @AfterEach
    void stopAndDropSchema() throws Exception {
        if (ledger != null && ledger.isAlive()) {
            ledger.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void aConsumerKilledBetweenReceiveAndCommitLosesAndDuplicatesNothing() throws Exception {
        // the backlog: a settlement and a fulfilled usage per charge, a tenth of them produced twice
        Random random = new Random(5);
        String recipient = TestEvents.address();
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        Map<String, Long> amounts = new HashMap<>();
        long total = 0;
        long tokens = 0;
        for (int i = 0; i < CHARGES; i++) {
            long amount = 5_000 + random.nextInt(50_000);
            Settled s = TestEvents.settled().with("provider", "mistral").with("route", "/mistral/chat")
                    .with("recipient", recipient).with("amount", amount).with("settledAt", Instant.now());
            TestEvents.Usage u = TestEvents.usage(s, "FULFILLED").with("model", "crash-model")
                    .tokens(10, 5, 15, 0, 0);
            amounts.put(s.challengeId(), amount);
            total += amount;
            tokens += 15;
            for (TestEvents.Event<?> e : List.of(s, u)) {
                int copies = random.nextInt(10) == 0 ? 2 : 1;
                for (int k = 0; k < copies; k++) {
                    records.add(new ProducerRecord<>(topic(e.topic()), e.challengeId(), e.json()));
                }
            }
        }
        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            kafka.produceStrings().fromRecords(records).awaitCompletion(Duration.ofSeconds(60));
        }
        long distinctEvents = 2L * CHARGES;

        int port = freePort();
        ledger = start(port, "first");
        awaitCount("SELECT count(*) FROM " + schema + ".processed_events", n -> n >= 150, Duration.ofSeconds(120));
        ledger.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no offset commit
        long atKill = count("SELECT count(*) FROM " + schema + ".processed_events");
        assertTrue(atKill < distinctEvents, "killed mid-backlog: " + atKill + " of " + distinctEvents);

        ledger = start(port, "second");
        awaitCount("SELECT count(*) FROM " + schema + ".processed_events", n -> n == distinctEvents,
                Duration.ofSeconds(180));
        // the redelivered events (offsets never committed before the kill) were skipped as duplicates
        long duplicates = duplicatesCounted(port);
        System.out.printf("ConsumerCrashIT: %d of %d events booked when killed; %d skipped as duplicates after restart%n",
                atKill, distinctEvents, duplicates);
        assertTrue(duplicates >= atKill, "redelivered and skipped: " + duplicates + ", booked before kill: " + atKill);

        assertEquals(CHARGES, count("SELECT count(*) FROM " + schema + ".charges WHERE status = 'fulfilled'"));
        assertEquals(2L * CHARGES, count("SELECT count(*) FROM " + schema + ".journal_transactions"));
        assertEquals(0, count("SELECT count(*) FROM (SELECT journal_transaction_id FROM " + schema + ".postings "
                + "GROUP BY journal_transaction_id HAVING SUM(debit) <> SUM(credit)) x"));
        assertEquals(total, count("SELECT debit - credit FROM " + schema + ".account_balances WHERE account = ?",
                "assets:wallet:" + recipient));
        assertEquals(-total, count("SELECT debit - credit FROM " + schema + ".account_balances WHERE account = ?",
                "revenue:mistral:crash-model"));
        assertEquals(0, count("SELECT debit - credit FROM " + schema + ".account_balances WHERE account = ?",
                "liabilities:unearned:mistral"));
        assertEquals(total, count("SELECT SUM(revenue) FROM " + schema + ".report_daily"));
        assertEquals(CHARGES, count("SELECT SUM(calls) FROM " + schema + ".report_daily"));
        assertEquals(tokens, count("SELECT SUM(total_tokens) FROM " + schema + ".report_daily"));
        for (Map.Entry<String, Long> e : amounts.entrySet()) {
            if (random.nextInt(20) == 0) { // spot checks per charge
                assertEquals(e.getValue(), count("SELECT amount FROM " + schema + ".charges WHERE challenge_id = ?",
                        e.getKey()));
            }
        }
    }

    private String topic(String name) {
        return run + "." + name;
    }

    private Process start(int port, String name) throws IOException {
        Path jar = Path.of(System.getProperty("ledger.jar", "target/quarkus-app/quarkus-run.jar"));
        Path key = Path.of("src/test/resources/jwt/test-public.pem").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        // channel names contain '-': system properties, since env names would be ambiguous
        for (String channel : List.of("payments-settled", "usage-recorded", "payments-refunded")) {
            String prefix = "-Dmp.messaging.incoming." + channel + ".";
            command.add(prefix + "topic=" + topic(channel.replace('-', '.')));
            command.add(prefix + "group.id=" + run);
            // no periodic commit before the kill: everything booked so far is redelivered after the restart
            command.add(prefix + "auto.commit.interval.ms=120000");
            // the killed instance's members leave the group only when their session times out: keep that short
            command.add(prefix + "session.timeout.ms=6000");
            command.add(prefix + "heartbeat.interval.ms=1000");
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("LEDGER_DB_URL", DB + "?currentSchema=" + schema);
        env.put("QUARKUS_FLYWAY_SCHEMAS", schema);
        env.put("DB_USER", "gateway");
        env.put("DB_PASSWORD", "gateway");
        env.put("KAFKA_BOOTSTRAP_SERVERS", LocalStack.KAFKA);
        env.put("LEDGER_JWT_PUBLIC_KEY_LOCATION", key.toString());
        File log = new File("target/" + run + "-" + name + ".log");
        pb.redirectErrorStream(true).redirectOutput(log);
        return pb.start();
    }

    /** The second instance's own count of events it skipped as already processed. */
    private static long duplicatesCounted(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("(?m)^ledger_events_total\\{[^}]*result=\"duplicate\"[^}]*} ([0-9.E]+)$")
                .matcher(r.body());
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return (long) sum;
    }

    private void awaitCount(String sql, java.util.function.LongPredicate done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long n = -1;
        while (System.nanoTime() < deadline) {
            assertTrue(ledger.isAlive(), "ledger process died; see target/" + run + "-*.log");
            try {
                n = count(sql);
                if (done.test(n)) {
                    return;
                }
            } catch (SQLException e) {
                // schema not migrated yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out at " + n + ": " + sql);
    }

    private static long count(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(DB, "gateway", "gateway");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
