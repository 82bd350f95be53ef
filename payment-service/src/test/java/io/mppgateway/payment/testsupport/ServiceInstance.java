package io.mppgateway.payment.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.mppgateway.contracts.testing.LocalStack;

/** payment-service from its packaged jar as an independent process (a replica), on a free port. */
public final class ServiceInstance implements AutoCloseable {
    /** the local test secret shared by every replica (local-dev-only, not a production secret) */
    public static final String TEST_SECRET = "local-dev-only-mpp-secret-not-for-production-use";

    public final int port;
    public final Path log;
    private final Process process;

    private ServiceInstance(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    public static ServiceInstance start(String name, Map<String, String> extra) throws IOException {
        String jar = System.getProperty("service.jar", "target/quarkus-app/quarkus-run.jar");
        if (!new File(jar).isFile()) {
            throw new IllegalStateException("no packaged jar at " + jar + "; run mvn verify");
        }
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-Dpayment.secret-key=" + TEST_SECRET,
                "-Dpayment.recipient=" + DevChain.RECIPIENT,
                "-Dquarkus.datasource.jdbc.url=" + LocalStack.jdbcUrl("payments_test"),
                // service authentication as in the tests: the PUBLIC TEST keys, the tests' realm
                "-Dpayment.callers.keys=../deploy/local/dev-keys/payment-callers-dev-jwks.json",
                "-Dpayment.callers.providers.mistral.realm=" + Payments.REALM,
                "-Dquarkus.log.console.level=INFO"));
        extra.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar);
        Path log = Path.of("target", "instance-" + name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServiceInstance instance = new ServiceInstance(port, log, p);
        instance.awaitReady();
        return instance;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitReady() throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("instance exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        close();
        throw new IllegalStateException("instance on " + port + " not ready: " + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(15).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
