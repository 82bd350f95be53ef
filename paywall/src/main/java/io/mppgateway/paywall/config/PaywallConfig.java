package io.mppgateway.paywall.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a provider service sells its routes. */
@ConfigMapping(prefix = "paywall")
public interface PaywallConfig {

    /** Provider name in events and the ledger: {@code mistral} or {@code grok}. */
    String provider();

    /** The MPP realm of this provider; bound into every challenge id and on-chain memo. */
    String realm();

    /** How long a settled request waits for its payments.settled event before answering 503 (payment kept). */
    @WithDefault("PT10S")
    Duration settlementWait();

    /** Largest JSON request body a paid route accepts (413 before any payment above it). */
    @WithDefault("1048576")
    long maxBodyBytes();

    /** A streamed answer whose upstream sends nothing for this long is cut and recorded as UPSTREAM_FAILED. */
    @WithDefault("PT30S")
    Duration streamIdleTimeout();

    /**
     * How often this replica renews, at payment-service, the delivery lease of the charges it still holds: from a
     * successful settlement until the outcome report is recorded or given up ({@code delivery/service/
     * DeliveryHeartbeat}). payment-service presumes a charge undelivered once its lease ({@code payment.delivery-lease},
     * 2 min) has passed without a heartbeat or a report, so it must be a fraction of that lease.
     */
    @WithDefault("PT20S")
    Duration deliveryHeartbeat();

    /**
     * A charge held longer than this is no longer renewed (with a warning): a paid call that never reported its
     * outcome (a bug) must not keep its charge from the buyer forever; its lease then runs out. Longer than the
     * longest call plus the outcome report's retries.
     */
    @WithDefault("PT1H")
    Duration deliveryMaxHold();

    /** The provider's API, called after payment (one OpenAI-style client for every route). */
    Upstream upstream();

    /** How outcome reports (with their usage events) reach payment-service while it is briefly unreachable. */
    OutcomeReport outcomeReport();

    /** Service authentication towards payment-service's {@code /internal/*}. */
    PaymentClient paymentClient();

    /** How this provider mints its challenges (in-process, with its realm key). */
    Challenges challenges();

    /** What the discovery documents publish beyond the route table. */
    Discovery discovery();

    interface Upstream {
        /**
         * The API's base URL, e.g. https://api.mistral.ai or the local stand-in; may carry a path prefix. The
         * operations' paths (with /v1) are appended to it.
         */
        String baseUrl();

        /** Sent as {@code Authorization: Bearer ...}; never the buyer's credential. */
        String apiKey();

        /** Longest wait for a whole JSON answer, per attempt (a timeout is not retried: it would only multiply it). */
        @WithDefault("PT60S")
        Duration timeout();

        /** Longest wait for a stream's status and headers, per attempt; its events are bounded by the idle timeout. */
        @WithDefault("PT60S")
        Duration streamHeadersTimeout();

        /** How long to wait for a connection. */
        @WithDefault("PT5S")
        Duration connectTimeout();

        /** Retries after a 429, a 5xx or a connection error, always before the first byte reaches the buyer. */
        @WithDefault("2")
        int retries();

        /** Pause before a retry (plus the upstream's Retry-After, when it sent one). */
        @WithDefault("PT0.3S")
        Duration retryDelay();

        /** Random extra pause of up to this much before a retry. */
        @WithDefault("PT0.1S")
        Duration retryJitter();

        /** Longest Retry-After of an upstream 429/503 that is waited out before the next attempt. */
        @WithDefault("PT5S")
        Duration maxRetryAfter();

        /** Connections kept to the upstream: at least as many as streams relayed at once. */
        @WithDefault("1024")
        int maxConnections();

        Breaker breaker();

        /**
         * Retry-After of a "payment kept" answer after the upstream failed: when presenting the credential again may
         * find the upstream back. A charge is redeemed once only, so the buyer should not spend that on an outage that
         * is likely still on (while the breaker is open, its delay is sent instead).
         */
        @WithDefault("PT5S")
        Duration keptRetryAfter();
    }

    /** Opens after this share of failures among the last calls, and lets a call through again after the delay. */
    interface Breaker {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("20")
        int requestVolumeThreshold();

        /** Failure share that opens the breaker, in percent. */
        @WithDefault("50")
        int failurePercent();

        @WithDefault("PT10S")
        Duration delay();
    }

    /**
     * Retries of an outcome report, with exponential backoff from {@code initialBackoff} to {@code maxBackoff} (the
     * defaults keep trying for about ten minutes; the heartbeat holds the charge's delivery lease meanwhile, and a
     * report that gives up leaves a delivered call to be recorded as abandoned once the lease runs out). A report is
     * idempotent, so a retry after a lost answer is harmless.
     */
    interface OutcomeReport {
        @WithDefault("60")
        int retries();

        @WithDefault("PT0.2S")
        Duration initialBackoff();

        @WithDefault("PT10S")
        Duration maxBackoff();

        /** Longest wait for payment-service's answer to one attempt. */
        @WithDefault("PT5S")
        Duration attemptTimeout();
    }

    /** This provider's own signing key; payment-service holds the public half under the same key id. */
    interface PaymentClient {
        /** The PRIVATE key (PKCS#8 PEM file) that signs this provider's service tokens. */
        String tokenKeyLocation();

        /** The key id payment-service knows this provider's public key by (its JWKS). */
        String tokenKeyId();

        @WithDefault("payment-service")
        String tokenAudience();

        /** Lifetime of one token (re-signed after half of it); payment-service refuses tokens living over 10 min. */
        @WithDefault("PT5M")
        Duration tokenLifetime();
    }

    interface Challenges {
        /**
         * This realm's challenge key (MPP_REALM_KEY), base64url of 32 bytes: HKDF-SHA256 of payment-service's master
         * secret with info {@code mpp-challenge:<realm>} (deploy/local/realm-key.sh prints it). A secret: it mints
         * payable challenges of this realm.
         */
        String realmKey();

        /** How often the charge terms are fetched again from payment-service. */
        @WithDefault("PT1M")
        Duration termsRefresh();

        /** How soon a failed fetch of the charge terms is tried again. */
        @WithDefault("PT2S")
        Duration termsRetry();
    }

    interface Discovery {
        /** The TIP-20 token charged (pathUSD on Tempo), as it appears in the challenges. */
        @WithDefault("0x20c0000000000000000000000000000000000000")
        String currency();

        /** Public base URL of this service, if it is published behind an ingress. */
        java.util.Optional<String> publicUrl();
    }
}
