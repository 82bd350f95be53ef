package io.mppgateway.payment.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A second, private Kafka broker (KRaft, from the jars deploy/local/kafka.sh fetched into .local/kafka/libs) on its
 * own ports, so a test can stop and start a real broker without disturbing the shared one.
 */
public class SecondKafkaBroker implements QuarkusTestResourceLifecycleManager {
    public static final Path LIBS = Path.of(System.getProperty("kafka.libs", "../.local/kafka/libs"));
    private static SecondKafkaBroker current;

    private Path home;
    private int brokerPort;
    private Process process;

    public static boolean available() {
        return Files.isDirectory(LIBS);
    }

    public static SecondKafkaBroker current() {
        return current;
    }

    public String bootstrap() {
        return "127.0.0.1:" + brokerPort;
    }

    @Override
    public Map<String, String> start() {
        current = this;
        try {
            home = Files.createTempDirectory("second-kafka");
            brokerPort = freePort();
            int controllerPort = freePort();
            Files.writeString(home.resolve("server.properties"), String.join("\n",
                    "process.roles=broker,controller", "node.id=1",
                    "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                    "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    "log.dirs=" + home.resolve("data"), "num.partitions=1", "auto.create.topics.enable=true",
                    "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1", "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1", "group.initial.rebalance.delay.ms=0", ""));
            Files.writeString(home.resolve("log4j2.yaml"), """
                    Configuration:
                      Appenders:
                        Console: { name: STDOUT, PatternLayout: { pattern: "[%d] %p %m (%c)%n" } }
                      Loggers:
                        Root: { level: INFO, AppenderRef: [ { ref: STDOUT } ] }
                    """);
            byte[] id = new byte[16];
            new SecureRandom().nextBytes(id);
            String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
            Process format = java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
                    home.resolve("server.properties").toString(), "--standalone")
                    .redirectOutput(home.resolve("format.log").toFile()).redirectErrorStream(true).start();
            if (format.waitFor() != 0) {
                throw new IllegalStateException("kafka storage format failed: " + Files.readString(home.resolve("format.log")));
            }
            up();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Map.of("kafka.bootstrap.servers", bootstrap());
    }

    /** Starts the broker (again, on the same ports and data). */
    public void up() throws IOException {
        int before = startedLines();
        process = java("kafka.Kafka", home.resolve("server.properties").toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("kafka.log").toFile()))
                .redirectErrorStream(true).start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (startedLines() > before && listening()) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            sleep(200);
        }
        throw new IllegalStateException("second broker did not start: " + Files.readString(home.resolve("kafka.log")));
    }

    private int startedLines() throws IOException {
        Path log = home.resolve("kafka.log");
        return Files.exists(log) ? Files.readString(log).split("Kafka Server started", -1).length - 1 : 0;
    }

    /** Stops the broker process (SIGTERM, then kill). */
    public void down() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void stop() {
        down();
    }

    private boolean listening() {
        try (Socket s = new Socket("127.0.0.1", brokerPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private ProcessBuilder java(String main, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms128m", "-Xmx384m",
                "-Dlog4j2.configurationFile=" + home.resolve("log4j2.yaml"),
                "-cp", LIBS.toAbsolutePath() + "/*", main));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
