package io.mppgateway.payment.caller.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may call {@code /internal/*}: each caller signs short-lived JWTs (RS256) with its own private key; payment-service
 * holds only the public keys (a JWKS) and knows from the key id who signed.
 */
@ConfigMapping(prefix = "payment.callers")
public interface CallerConfig {

    /** The callers' PUBLIC keys: a JWKS file (every key with its {@code kid}). */
    String keys();

    /** The {@code aud} every token must name. */
    @WithDefault("payment-service")
    String audience();

    /** Longest lifetime a token may have ({@code exp - iat}); shorter-lived tokens limit what a leaked one is worth. */
    @WithDefault("PT10M")
    Duration maxTokenLifetime();

    /** The provider services, by provider name ({@code mistral}, {@code grok}: as in challenges and charges). */
    Map<String, Provider> providers();

    /** Key ids of refund operators (people or tooling that may trigger {@code POST /internal/refunds/...}). */
    List<String> refundOperatorKeyIds();

    interface Provider {
        /** The key ids this provider signs with (several while a key is rotated). */
        List<String> keyIds();

        /** The MPP realm of this provider's challenges: it may ask for and settle no other. */
        String realm();
    }
}
