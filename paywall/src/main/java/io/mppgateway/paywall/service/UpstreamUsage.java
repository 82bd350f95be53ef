package io.mppgateway.paywall.service;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads the OpenAI-style {@code usage} object that Mistral and xAI both return. */
public final class UpstreamUsage {
    private UpstreamUsage() {
    }

    public static TokenUsage of(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return TokenUsage.NONE;
        }
        long prompt = usage.path("prompt_tokens").asLong(0);
        long completion = usage.path("completion_tokens").asLong(0);
        long reasoning = usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
        // xAI counts reasoning outside completion_tokens; total_tokens is the figure that bills
        long total = usage.path("total_tokens").asLong(prompt + completion + reasoning);
        long cached = firstPositive(usage.path("prompt_tokens_details").path("cached_tokens").asLong(0),
                usage.path("prompt_token_details").path("cached_tokens").asLong(0),
                usage.path("num_cached_tokens").asLong(0));
        return new TokenUsage(prompt, completion, total, reasoning, cached, 0);
    }

    private static long firstPositive(long... values) {
        for (long v : values) {
            if (v > 0) {
                return v;
            }
        }
        return 0;
    }
}
