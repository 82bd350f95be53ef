package io.mppgateway.payment.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

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

    /**
     * Modes advertised in methodDetails.supportedModes and accepted on settlement. Pull first: it is what mppx
     * clients with a local key do by default.
     */
    @WithDefault("pull,push")
    List<String> supportedModes();

    /** Receipt look-ups for a push credential whose transaction the node has not indexed yet. */
    @WithDefault("5")
    int receiptAttempts();

    @WithDefault("PT0.2S")
    Duration receiptRetryDelay();

    /**
     * How long a pull credential's broadcast is owned by one replica before another may resume it: longer than the
     * synchronous broadcast's own timeout (20 s).
     */
    @WithDefault("PT30S")
    Duration broadcastLease();

    /**
     * How long a released charge (settled, or redeeming) stays with its provider since its release or the provider's
     * last heartbeat ({@code POST /internal/charges/leases}, renewed while the provider still delivers it or retries
     * its outcome report) before it is presumed undelivered (the provider died mid-call): it becomes unfulfilled, so
     * the buyer can redeem it or is refunded. Must outlive a few of the providers' heartbeats
     * ({@code paywall.delivery-heartbeat}, 20 s), not their longest call: a provider that beats holds its charges for
     * as long as it serves them.
     */
    @WithDefault("PT2M")
    Duration deliveryLease();

    /** Latest validBefore accepted on a pull transaction, counted from now (mppx's sponsor policy uses 900 s). */
    @WithDefault("PT15M")
    Duration maxValidity();

    /**
     * Payment terms of particular routes, keyed by the route path the provider names (quote it in properties:
     * {@code payment.routes."/mistral/ocr".splits[0].recipient=0x...}). Routes not listed pay everything to
     * {@link #recipient()} with the challenge-bound attribution memo.
     */
    Map<String, RouteTerms> routes();

    FeePayer feePayer();

    interface RouteTerms {
        /**
         * bytes32 memo the transfer to {@link PaymentConfig#recipient()} must carry instead of the attribution memo
         * (MPP {@code methodDetails.memo}). mppx 0.11 clients no longer honour it (they always write the attribution
         * memo), so prefer split memos; a route with a memo is offered in pull mode only.
         */
        Optional<String> memo();

        /** Other recipients paid in the same transaction (MPP {@code methodDetails.splits}, at most 10). */
        Optional<List<Split>> splits();
    }

    interface Split {
        String recipient();

        /** A fixed share in base units; exactly one of amount and basis-points is set. */
        OptionalLong amount();

        /** A share of the charge in 1/10,000ths, rounded down; a share that rounds to zero is left out. */
        OptionalInt basisPoints();

        /** bytes32 memo this split's transfer must carry; without it any memo, or none, is accepted. */
        Optional<String> memo();
    }

    Outbox outbox();

    Reconciler reconciler();

    interface Reconciler {
        /** How often unresolved pull claims are looked up on chain ("off" disables the schedule). */
        @WithDefault("10s")
        String pollInterval();

        /** A pending claim younger than this is left to its buyer's retry of the same credential. */
        @WithDefault("PT30S")
        Duration minAge();

        /** How long after a transaction's validBefore a claim without a receipt is failed for good (block time slack). */
        @WithDefault("PT30S")
        Duration landingMargin();
    }

    Refund refund();

    interface FeePayer {
        /** Sponsor the buyers' network fees (methodDetails.feePayer:true); off unless a key is configured. */
        @WithDefault("false")
        boolean enabled();

        /** Private key of the fee-payer wallet (hex). */
        Optional<String> privateKey();

        /** The TIP-20 token the fee payer pays fees in. */
        @WithDefault("0x20c0000000000000000000000000000000000000")
        String feeToken();

        /** Upper bound on what one sponsored transaction may cost in gas units. */
        @WithDefault("2000000")
        long maxGas();

        /** Upper bound on maxFeePerGas of a sponsored transaction (wei-like units of the fee token). */
        @WithDefault("1000000000000")
        long maxFeePerGas();

        /**
         * Upper bound on the worst-case fee of one sponsored transaction (gas limit × max fee per gas), in base units
         * of the fee token (6 decimals: 50,000 = $0.05).
         */
        @WithDefault("50000")
        long maxFeePerTransaction();

        /** Worst-case fees the sponsor commits to per {@link #budgetWindow()}, base units (5,000,000 = $5). */
        @WithDefault("5000000")
        long budget();

        @WithDefault("PT1H")
        Duration budgetWindow();
    }

    interface Outbox {
        /** How often unpublished settlement events are retried (e.g. after a broker outage). */
        @WithDefault("1s")
        String pollInterval();
    }

    interface Refund {
        /** Private key of the recipient wallet that refunds are paid from (hex). Without it refunds are off. */
        Optional<String> privateKey();

        /** Refund a charge automatically once it has stayed unfulfilled this long; zero or negative = manual only. */
        @WithDefault("PT10M")
        Duration gracePeriod();

        /** How often the automatic refund policy looks for charges to refund. */
        @WithDefault("30s")
        String pollInterval();
    }
}
