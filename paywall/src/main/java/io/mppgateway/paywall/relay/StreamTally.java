package io.mppgateway.paywall.relay;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.paywall.usage.OpenAiUsage;
import io.mppgateway.paywall.usage.Usage;

/**
 * What a relayed stream of OpenAI-style chat chunks, or of the Responses API's typed events
 * ({@code response.output_text.delta}, ..., {@code response.completed} with the usage), delivered, and so what it is recorded as (issue 9 item 3). The
 * rules cannot be gamed by hanging up at the right moment:
 * <ul>
 * <li>a stream whose upstream <em>finished</em> — every choice carried its {@code finish_reason}, or the usage-only
 * chunk arrived, or the response's {@code response.completed} / {@code response.incomplete} event — is delivered whole, even if the buyer left before {@code [DONE]}: the answer was complete;</li>
 * <li>a stream cut before that (the buyer left, the upstream broke or stalled) is delivered <em>in part</em> if any
 * content, reasoning or tool call reached the buyer, with the tokens relayed so far;</li>
 * <li>only a stream of which nothing reached the buyer is not delivered (and so stays redeemable).</li>
 * </ul>
 * Not thread-safe: one relay feeds it from one thread at a time.
 */
public final class StreamTally {

    /** How the relay stopped. */
    public enum Ending {
        /** The upstream's {@code [DONE]} was read. */
        COMPLETE,
        /** The buyer's connection closed first. */
        BUYER_LEFT,
        /** The upstream connection failed or stalled longer than the idle timeout. */
        UPSTREAM_BROKE,
        /** The upstream closed the stream without {@code [DONE]}. */
        UPSTREAM_CLOSED
    }

    /**
     * @param outcome   what the charge's usage event says
     * @param delivered whether anything reached the buyer (a finished stream always did)
     * @param usage     the upstream's own figures when it sent them, else the content and reasoning chunks relayed
     */
    public record Result(UsageOutcome outcome, boolean delivered, Usage usage) {
    }

    private final Set<Integer> choicesSeen = new HashSet<>();
    private final Set<Integer> choicesFinished = new HashSet<>();
    private Usage usage = Usage.NONE;
    private boolean usageChunkSeen;
    private boolean responseEnded;
    private long contentChunks;
    private long reasoningChunks;
    private long toolCallChunks;

    /** A chunk that reached the buyer; null for an event that is not JSON (counted as nothing). */
    public void relayed(JsonNode chunk) {
        if (chunk == null) {
            return;
        }
        read(chunk);
        switch (chunk.path("type").asText("")) {
            case "response.output_text.delta", "response.refusal.delta" -> contentChunks += hasText(chunk.path("delta")) ? 1 : 0;
            case "response.reasoning_text.delta", "response.reasoning_summary_text.delta" ->
                reasoningChunks += hasText(chunk.path("delta")) ? 1 : 0;
            case "response.function_call_arguments.delta" -> toolCallChunks++;
            default -> {
            }
        }
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode delta = choice.path("delta");
            if (hasText(delta.path("content")) || delta.path("content").isArray() && !delta.path("content").isEmpty()) {
                contentChunks++;
            }
            if (hasText(delta.path("reasoning_content"))) {
                reasoningChunks++;
            }
            if (delta.path("tool_calls").isArray() && !delta.path("tool_calls").isEmpty()) {
                toolCallChunks++;
            }
        }
    }

    /** A chunk read from the upstream but not relayed (e.g. the usage chunk the gateway asked for itself). */
    public void withheld(JsonNode chunk) {
        if (chunk != null) {
            read(chunk);
        }
    }

    private void read(JsonNode chunk) {
        String type = chunk.path("type").asText("");
        if (type.equals("response.completed") || type.equals("response.incomplete") || type.equals("response.failed")) {
            // the Responses API: the final event carries the whole response, its usage included
            usage = OpenAiUsage.of(chunk.path("response").get("usage"));
            responseEnded = !type.equals("response.failed");
        }
        JsonNode reported = chunk.get("usage");
        JsonNode choices = chunk.path("choices");
        if (reported != null && reported.isObject()) {
            usage = OpenAiUsage.of(reported);
            if (!choices.isArray() || choices.isEmpty()) {
                usageChunkSeen = true; // xAI/OpenAI: the usage-only chunk comes after the last choice chunk
            }
        }
        for (JsonNode choice : choices) {
            int index = choice.path("index").asInt(0);
            choicesSeen.add(index);
            JsonNode finish = choice.get("finish_reason");
            if (finish != null && !finish.isNull()) {
                choicesFinished.add(index);
            }
        }
    }

    /**
     * The upstream produced its whole answer: every choice finished, or its usage-only chunk arrived, or (Responses
     * API) the response completed.
     */
    public boolean upstreamFinished() {
        return usageChunkSeen || responseEnded || !choicesSeen.isEmpty() && choicesFinished.containsAll(choicesSeen);
    }

    /** Some content, reasoning or tool call reached the buyer. */
    public boolean relayedAnything() {
        return contentChunks + reasoningChunks + toolCallChunks > 0;
    }

    /** Content-bearing chunks relayed (about one token each for Mistral and xAI). */
    public long contentChunks() {
        return contentChunks;
    }

    /**
     * @param whole what a delivered call is recorded as: FULFILLED, or REDEEMED for a redemption
     */
    public Result result(Ending ending, UsageOutcome whole) {
        if (ending == Ending.COMPLETE || upstreamFinished()) {
            return new Result(whole, true, usage.totalTokens() > 0 ? usage : counted());
        }
        UsageOutcome cut = ending == Ending.BUYER_LEFT ? UsageOutcome.CLIENT_GONE : UsageOutcome.UPSTREAM_FAILED;
        return new Result(cut, relayedAnything(), usage.totalTokens() > 0 ? usage : counted());
    }

    /** xAI counts reasoning tokens in the total, not in the completion tokens; the count does the same. */
    private Usage counted() {
        return Usage.tokens(0, contentChunks, contentChunks + reasoningChunks, reasoningChunks, 0);
    }

    private static boolean hasText(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty();
    }
}
