package io.mppgateway.mistral.routes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What only mistral-service sells differently. */
@ConfigMapping(prefix = "mistral")
public interface MistralConfig {

    /** Largest OCR request body (documents may travel inline as base64). */
    @WithDefault("10485760")
    long ocrMaxBodyBytes();
}
