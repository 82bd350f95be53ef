package io.mppgateway.paywall.route;

import com.fasterxml.jackson.databind.JsonNode;

/** What of a successful JSON answer the buyer gets (the upstream's bytes by default), e.g. a model list with prices. */
@FunctionalInterface
public interface AnswerShaper {
    /** The upstream's answer, as it is. */
    AnswerShaper AS_IS = (body, parsed) -> body;

    /**
     * @param upstreamAnswer the upstream's answer bytes
     * @param parsed         the same, parsed
     * @return the bytes the buyer gets
     */
    byte[] shape(byte[] upstreamAnswer, JsonNode parsed) throws Exception;
}
