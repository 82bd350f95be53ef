package io.mppgateway.payment.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What payment-service charges in and where the money goes. */
@ConfigMapping(prefix = "payment")
public interface PaymentConfig {

    /** HMAC secret that binds challenge ids (>= 32 bytes). Never committed; MPP_SECRET_KEY in every environment. */
    String secretKey();

    /** Secrets rotated out but still accepted for verification until their challenges expire. */
    Optional<List<String>> previousSecretKeys();

    /** The wallet that receives every charge. */
    String recipient();

    /** TIP-20 token charged in (pathUSD by default; 6 decimals). */
    @WithDefault("0x20c0000000000000000000000000000000000000")
    String currency();

    /** Tempo chain id; always sent in methodDetails so clients never guess. */
    long chainId();

    /** How long a challenge can be paid. */
    @WithDefault("PT5M")
    Duration challengeTtl();

    /** Modes advertised in methodDetails.supportedModes and accepted on settlement. */
    @WithDefault("push")
    List<String> supportedModes();

    /** Receipt look-ups for a push credential whose transaction the node has not indexed yet. */
    @WithDefault("5")
    int receiptAttempts();

    @WithDefault("PT0.2S")
    Duration receiptRetryDelay();

    Outbox outbox();

    interface Outbox {
        /** How often unpublished settlement events are retried (e.g. after a broker outage). */
        @WithDefault("1s")
        String pollInterval();
    }
}
