package io.mppgateway.paywall.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.paywall.relay.StreamTally.Ending;

import org.junit.jupiter.api.Test;

/** A Responses API stream (typed events, no [DONE]) is delivered once it completed; cut before, as a chat stream. */
class ResponsesStreamTallyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode event(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static StreamTally relayedUntilCut(boolean completed) throws Exception {
        StreamTally tally = new StreamTally();
        tally.relayed(event("{\"type\":\"response.created\",\"response\":{\"status\":\"in_progress\",\"usage\":null}}"));
        tally.relayed(event("{\"type\":\"response.output_text.delta\",\"delta\":\"Hello\"}"));
        tally.relayed(event("{\"type\":\"response.reasoning_summary_text.delta\",\"delta\":\"hm\"}"));
        tally.relayed(event("{\"type\":\"response.output_text.delta\",\"delta\":\" there\"}"));
        if (completed) {
            tally.relayed(event("{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"usage\":"
                    + "{\"input_tokens\":32,\"input_tokens_details\":{\"cached_tokens\":8},\"output_tokens\":8,"
                    + "\"output_tokens_details\":{\"reasoning_tokens\":110},\"total_tokens\":150,"
                    + "\"num_server_side_tools_used\":1,\"cost_in_usd_ticks\":1230000}}}"));
        }
        return tally;
    }

    @Test
    void aCompletedResponseEndingWithoutDoneIsDeliveredWithItsUsage() throws Exception {
        StreamTally tally = relayedUntilCut(true);
        assertTrue(tally.upstreamFinished());
        StreamTally.Result result = tally.result(Ending.UPSTREAM_CLOSED, UsageOutcome.FULFILLED);
        assertEquals(UsageOutcome.FULFILLED, result.outcome());
        assertTrue(result.delivered());
        assertEquals(150, result.usage().totalTokens());
        assertEquals(110, result.usage().reasoningTokens());
        assertEquals(8, result.usage().cachedTokens());
        assertEquals(1, result.usage().toolCalls());
        assertEquals(1_230_000L, result.usage().costInUsdTicks());
        // a buyer who leaves after response.completed had the whole answer
        assertEquals(UsageOutcome.FULFILLED, tally.result(Ending.BUYER_LEFT, UsageOutcome.FULFILLED).outcome());
    }

    @Test
    void aResponseCutMidWayIsDeliveredInPartAndOneCutBeforeAnyTextIsNot() throws Exception {
        StreamTally.Result cut = relayedUntilCut(false).result(Ending.UPSTREAM_BROKE, UsageOutcome.FULFILLED);
        assertEquals(UsageOutcome.UPSTREAM_FAILED, cut.outcome());
        assertTrue(cut.delivered(), "text reached the buyer");
        assertEquals(2, cut.usage().completionTokens(), "the text deltas relayed");
        assertEquals(1, cut.usage().reasoningTokens());

        StreamTally nothing = new StreamTally();
        nothing.relayed(event("{\"type\":\"response.created\",\"response\":{\"status\":\"in_progress\"}}"));
        nothing.relayed(event("{\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"usage\":null}}"));
        assertFalse(nothing.upstreamFinished(), "a failed response did not deliver an answer");
        StreamTally.Result failed = nothing.result(Ending.UPSTREAM_CLOSED, UsageOutcome.FULFILLED);
        assertEquals(UsageOutcome.UPSTREAM_FAILED, failed.outcome());
        assertFalse(failed.delivered(), "nothing reached the buyer: the payment stays redeemable");
    }
}
