package io.mppgateway.grok.chat.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the xAI API is and how long to wait for it. */
@ConfigMapping(prefix = "xai")
public interface XaiUpstreamConfig {

    /** https://api.x.ai, or the local stand-in; paths below it include /v1. */
    String baseUrl();

    /** Sent as {@code Authorization: Bearer …}; never the buyer's credential. */
    String apiKey();

    /** How long a streamed completion may take to send its status and headers. */
    @WithDefault("PT120S")
    Duration streamHeadersTimeout();
}
