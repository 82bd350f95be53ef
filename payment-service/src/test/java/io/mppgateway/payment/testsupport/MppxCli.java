package io.mppgateway.payment.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/** The real mppx client (deploy/agent's mppx 0.11.0 CLI): signs a challenge into an Authorization header value. */
public final class MppxCli {
    public static final Path BIN = Path.of(System.getProperty("mppx.bin", "../deploy/agent/node_modules/.bin/mppx"));
    /** Drives the mppx client library (deploy/bench/payment/mppx-sign.mjs) where the CLI has no switch (mode). */
    public static final Path LIBRARY_SCRIPT = Path.of("../deploy/bench/payment/mppx-sign.mjs");

    private MppxCli() {
    }

    public static boolean available() {
        return Files.isExecutable(BIN);
    }

    /** The CLI: {@code mppx sign --challenge …} (its default mode, pull, for a local key). */
    public static String sign(String wwwAuthenticate, Credentials key) {
        return run(List.of(BIN.toString(), "sign", "--challenge", wwwAuthenticate, "--rpc-url", DevChain.RPC), key);
    }

    /** The library with an explicit mode ("pull" or "push"). */
    public static String signWithLibrary(String wwwAuthenticate, Credentials key, String mode) {
        return run(List.of("node", LIBRARY_SCRIPT.toString(), wwwAuthenticate, mode, DevChain.RPC), key);
    }

    private static String run(List<String> cmd, Credentials key) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("MPPX_PRIVATE_KEY",
                    Numeric.toHexStringWithPrefixZeroPadded(key.getEcKeyPair().getPrivateKey(), 64));
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("mppx sign timed out");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IllegalStateException("mppx sign failed (" + p.exitValue() + "): " + out + " " + err);
            }
            int at = out.indexOf("Payment ");
            if (at < 0) {
                throw new IllegalStateException("mppx sign printed no credential: " + out + " " + err);
            }
            return "Payment " + out.substring(at + 8).trim().split("\\s")[0];
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
