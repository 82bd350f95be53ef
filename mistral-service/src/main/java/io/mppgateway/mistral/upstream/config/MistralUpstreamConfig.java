package io.mppgateway.mistral.upstream.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the Mistral API is and how long to wait for it. */
@ConfigMapping(prefix = "mistral")
public interface MistralUpstreamConfig {

    /** https://api.mistral.ai, or the local stand-in; paths below it include /v1. */
    String baseUrl();

    /** Sent as {@code Authorization: Bearer …}; never the buyer's credential. */
    String apiKey();

    /** How long a streamed completion may take to send its status and headers. */
    @WithDefault("PT60S")
    Duration streamHeadersTimeout();

    /** Largest OCR request body (documents may travel inline as base64). */
    @WithDefault("10485760")
    long ocrMaxBodyBytes();
}
