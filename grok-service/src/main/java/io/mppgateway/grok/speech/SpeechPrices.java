package io.mppgateway.grok.speech;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What xAI charges for text to speech, in base units of pathUSD. Dated and sourced in application.properties. */
@ConfigMapping(prefix = "grok.speech")
public interface SpeechPrices {

    /** Upstream price ceiling per 1,000 characters of text (any voice, any codec). */
    long perThousandCharacters();

    /** Longest text xAI accepts in one request. */
    @WithDefault("60000")
    int maxCharacters();
}
