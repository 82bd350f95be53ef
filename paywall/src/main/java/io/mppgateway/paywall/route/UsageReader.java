package io.mppgateway.paywall.route;

import io.mppgateway.paywall.usage.Usage;

/** Reads what a delivered JSON answer used (tokens, images, pages, ...) for the ledger. */
@FunctionalInterface
public interface UsageReader {

    /**
     * @param answerBody the upstream's answer bytes
     * @param parsed     the answer as JSON, or null when it is not JSON (e.g. audio)
     */
    Usage read(PaidCall call, Quote quote, byte[] answerBody, com.fasterxml.jackson.databind.JsonNode parsed);
}
