package io.mppgateway.paywall.service;

/** Tokens (or other units) the upstream reported for one call. */
public record TokenUsage(long promptTokens, long completionTokens, long totalTokens, long reasoningTokens,
        long cachedTokens, long units) {

    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0, 0);

    public TokenUsage withUnits(long newUnits) {
        return new TokenUsage(promptTokens, completionTokens, totalTokens, reasoningTokens, cachedTokens, newUnits);
    }
}
