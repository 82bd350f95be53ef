package io.mppgateway.grok.responses;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What xAI's server-side tools cost and how many calls one paid call may make: the bound sent upstream
 * ({@code max_turns}) and the calls priced in per turn. Dated and sourced in application.properties.
 */
@ConfigMapping(prefix = "grok.tools")
public interface ToolPrices {

    /** Upstream price of one call, base units, by the tool type a request names (web_search, x_search, ...). */
    Map<String, Long> perCall();

    /**
     * Agentic turns sent upstream as {@code max_turns} when a request sets none, and the most a request may set:
     * xAI's request has no tool-call limit, only this turn limit.
     */
    @WithDefault("3")
    int maxTurns();

    /** Server-side tool calls priced in per turn (a turn may call tools in parallel; xAI bounds no more). */
    @WithDefault("2")
    int callsPerTurn();

    /** Input tokens one call's results (pages, posts, program output) may add to the model's context. */
    @WithDefault("8192")
    long resultTokensPerCall();
}
