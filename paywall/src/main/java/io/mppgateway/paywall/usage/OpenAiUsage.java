package io.mppgateway.paywall.usage;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the OpenAI-style {@code usage} object that Mistral and xAI both return (in a JSON answer, or in the last
 * chunk of a stream), with xAI's extras: reasoning tokens outside the completion tokens, cached prompt tokens,
 * {@code cost_in_usd_ticks}, server-side tool calls.
 */
public final class OpenAiUsage {
    private OpenAiUsage() {
    }

    /**
     * A chat completion's usage ({@code prompt_tokens}, {@code completion_tokens}, ...) or a Responses API usage
     * ({@code input_tokens}, {@code output_tokens}, {@code num_server_side_tools_used}, ...): the same figures under
     * the Responses API's names.
     */
    public static Usage of(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Usage.NONE;
        }
        long prompt = either(usage, "prompt_tokens", "input_tokens");
        long completion = either(usage, "completion_tokens", "output_tokens");
        long reasoning = firstPositive(usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0),
                usage.path("output_tokens_details").path("reasoning_tokens").asLong(0));
        // xAI counts reasoning outside completion_tokens; total_tokens is the figure that bills
        long total = usage.path("total_tokens").asLong(prompt + completion + reasoning);
        long cached = firstPositive(usage.path("prompt_tokens_details").path("cached_tokens").asLong(0),
                usage.path("prompt_token_details").path("cached_tokens").asLong(0),
                usage.path("input_tokens_details").path("cached_tokens").asLong(0),
                usage.path("num_cached_tokens").asLong(0));
        JsonNode ticks = usage.get("cost_in_usd_ticks");
        return new Usage(prompt, completion, total, reasoning, cached, 0, 0, 0, toolCalls(usage),
                ticks != null && ticks.canConvertToLong() ? ticks.asLong() : null);
    }

    /**
     * Server-side tool calls: the Responses API's own count ({@code num_server_side_tools_used}) when it gives one,
     * else the calls listed in {@code server_side_tool_usage_details}.
     */
    private static long toolCalls(JsonNode usage) {
        JsonNode counted = usage.get("num_server_side_tools_used");
        if (counted != null && counted.canConvertToLong()) {
            return Math.max(0, counted.asLong());
        }
        long toolCalls = 0;
        JsonNode tools = usage.path("server_side_tool_usage_details");
        if (tools.isObject()) {
            for (JsonNode calls : tools) {
                toolCalls += calls.asLong(0);
            }
        }
        return toolCalls;
    }

    private static long either(JsonNode usage, String field, String responsesField) {
        JsonNode value = usage.get(field);
        return value != null && value.canConvertToLong() ? value.asLong() : usage.path(responsesField).asLong(0);
    }

    /**
     * The usage of a whole JSON answer: its {@code usage}, and for documents the pages read
     * ({@code usage_info.pages_processed}, Mistral OCR).
     */
    public static Usage ofAnswer(JsonNode root) {
        if (root == null) {
            return Usage.NONE;
        }
        Usage usage = of(root.get("usage"));
        JsonNode pages = root.path("usage_info").path("pages_processed");
        return pages.canConvertToLong() ? usage.withPages(pages.asLong()) : usage;
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
