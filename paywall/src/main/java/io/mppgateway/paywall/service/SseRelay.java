package io.mppgateway.paywall.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.quarkus.logging.Log;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * Relays an upstream's server-sent events to the buyer event by event, flushing each one as it arrives (no
 * buffering beyond one event). Counts what it relays, takes the usage from the chunk that carries it (the last one),
 * and reports how the stream ended exactly once, before the terminating {@code data: [DONE]} is written, so that a
 * buyer who re-presents the credential right after sees the outcome:
 * <ul>
 * <li>{@code [DONE]} relayed → delivered, with the upstream's usage;</li>
 * <li>the buyer's connection fails → CLIENT_GONE with the tokens relayed so far;</li>
 * <li>the upstream breaks, stalls longer than the idle timeout or ends early → UPSTREAM_FAILED with the tokens
 * relayed so far (the stream is cut without {@code [DONE]}, so the buyer's SDK reports an error).</li>
 * </ul>
 * A provider may withhold chunks the buyer did not ask for (e.g. a usage-only chunk it requested for the ledger):
 * their usage is taken, but they are not relayed.
 */
public final class SseRelay implements StreamingOutput {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final UpstreamStream upstream;
    private final UsageOutcome delivered;
    private final BiConsumer<UsageOutcome, TokenUsage> onEnd;
    private final ObjectMapper mapper;
    private final ScheduledExecutorService watchdog;
    private final Duration idleTimeout;
    private final BooleanSupplier buyerConnectionClosed;
    private final Predicate<JsonNode> withheldFromBuyer;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private final AtomicBoolean buyerLeft = new AtomicBoolean();
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());
    private TokenUsage usage = TokenUsage.NONE;
    private long contentChunks;
    private long reasoningChunks;

    /**
     * @param delivered outcome when the whole stream reached the buyer (FULFILLED, or REDEEMED for a redemption)
     * @param onEnd     records the outcome (synchronously reported to payment-service, published to the ledger)
     * @param buyerConnectionClosed polled with the stall check: a buyer who hangs up is noticed within a quarter
     *                  second, not only at the next write (which a kernel buffer may still accept)
     */
    public SseRelay(UpstreamStream upstream, UsageOutcome delivered, BiConsumer<UsageOutcome, TokenUsage> onEnd,
            ObjectMapper mapper, ScheduledExecutorService watchdog, Duration idleTimeout,
            BooleanSupplier buyerConnectionClosed) {
        this(upstream, delivered, onEnd, mapper, watchdog, idleTimeout, buyerConnectionClosed, chunk -> false);
    }

    /** @param withheldFromBuyer chunks read for their usage but not relayed */
    public SseRelay(UpstreamStream upstream, UsageOutcome delivered, BiConsumer<UsageOutcome, TokenUsage> onEnd,
            ObjectMapper mapper, ScheduledExecutorService watchdog, Duration idleTimeout,
            BooleanSupplier buyerConnectionClosed, Predicate<JsonNode> withheldFromBuyer) {
        this.upstream = upstream;
        this.delivered = delivered;
        this.onEnd = onEnd;
        this.mapper = mapper;
        this.watchdog = watchdog;
        this.idleTimeout = idleTimeout;
        this.buyerConnectionClosed = buyerConnectionClosed;
        this.withheldFromBuyer = withheldFromBuyer;
    }

    /** The buyer's connection closed: stop reading the upstream. */
    private void buyerLeft() {
        if (buyerLeft.compareAndSet(false, true)) {
            upstream.close();
        }
    }

    @Override
    public void write(OutputStream buyer) {
        ScheduledFuture<?> stallCheck = watchdog.scheduleAtFixedRate(this::cutIfStalled, 250, 250,
                TimeUnit.MILLISECONDS);
        try (BufferedReader events = new BufferedReader(
                new InputStreamReader(upstream.body(), StandardCharsets.UTF_8))) {
            StringBuilder event = new StringBuilder();
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = readLine(events)) != null) {
                lastActivity.set(System.nanoTime());
                if (!line.isEmpty()) {
                    event.append(line).append('\n');
                    if (line.startsWith("data:")) {
                        data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                    }
                    continue;
                }
                if (event.isEmpty()) {
                    continue;
                }
                event.append('\n');
                if ("[DONE]".contentEquals(data)) {
                    end(delivered);
                    send(buyer, DONE);
                    return;
                }
                JsonNode chunk = parse(data);
                if (chunk != null && withheldFromBuyer.test(chunk)) {
                    takeUsage(chunk);
                } else {
                    send(buyer, event.toString().getBytes(StandardCharsets.UTF_8));
                    observe(chunk); // counted once it reached the buyer
                }
                event.setLength(0);
                data.setLength(0);
            }
            if (buyerLeft.get()) {
                throw new BuyerGone(new IOException("the buyer's connection closed"));
            }
            if (stalled.get()) {
                throw new UpstreamBroke(new IOException("no data for " + idleTimeout));
            }
            // the upstream closed without [DONE]: a cut stream, unless the usage chunk (the last one) got through
            end(usage.totalTokens() > 0 ? delivered : UsageOutcome.UPSTREAM_FAILED);
        } catch (UpstreamBroke e) {
            if (buyerLeft.get()) {
                // reading failed because the close handler closed the upstream for a buyer who left
                Log.infof("buyer went away after %d chunks", contentChunks);
                end(UsageOutcome.CLIENT_GONE);
                return;
            }
            Log.warnf("upstream stream broke after %d chunks: %s", contentChunks, e.getCause().toString());
            end(UsageOutcome.UPSTREAM_FAILED);
            tryComment(buyer, ": the upstream stream broke; the payment is kept and the same credential can be "
                    + "presented again\n\n");
        } catch (BuyerGone e) {
            Log.infof("buyer went away after %d chunks: %s", contentChunks, e.getCause().toString());
            end(UsageOutcome.CLIENT_GONE);
        } catch (IOException e) {
            end(UsageOutcome.UPSTREAM_FAILED);
        } finally {
            stallCheck.cancel(false);
            upstream.close();
        }
    }

    private String readLine(BufferedReader events) {
        try {
            return events.readLine();
        } catch (IOException e) {
            throw new UpstreamBroke(stalled.get() ? new IOException("no data for " + idleTimeout, e) : e);
        }
    }

    private void send(OutputStream buyer, byte[] bytes) {
        if (buyerLeft.get()) {
            throw new BuyerGone(new IOException("the buyer's connection closed"));
        }
        try {
            buyer.write(bytes);
            buyer.flush();
        } catch (IOException e) {
            throw new BuyerGone(e);
        }
    }

    private static void tryComment(OutputStream buyer, String comment) {
        try {
            buyer.write(comment.getBytes(StandardCharsets.UTF_8));
            buyer.flush();
        } catch (IOException e) {
            // the buyer is gone too
        }
    }

    /** The event's data as JSON; null for anything else (a comment or a provider event we do not know). */
    private JsonNode parse(CharSequence data) {
        try {
            return mapper.readTree(data.toString());
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Counts content-bearing and reasoning chunks (Mistral and xAI send about one token per chunk) and keeps the
     * usage. A reasoning model may think for many chunks before its first content: those tokens were produced too.
     */
    private void observe(JsonNode chunk) {
        if (chunk == null) {
            return; // relayed as is, not counted
        }
        takeUsage(chunk);
        JsonNode delta = chunk.path("choices").path(0).path("delta");
        JsonNode content = delta.path("content");
        if ((content.isTextual() && !content.asText().isEmpty()) || (content.isArray() && !content.isEmpty())) {
            contentChunks++;
        }
        JsonNode reasoning = delta.path("reasoning_content");
        if (reasoning.isTextual() && !reasoning.asText().isEmpty()) {
            reasoningChunks++;
        }
    }

    private void takeUsage(JsonNode chunk) {
        JsonNode reported = chunk.get("usage");
        if (reported != null && reported.isObject()) {
            usage = UpstreamUsage.of(reported);
        }
    }

    private void end(UsageOutcome outcome) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        // xAI counts reasoning tokens in the total, not in the completion tokens; the estimate does the same
        TokenUsage counted = outcome == delivered || usage.totalTokens() > 0 ? usage
                : new TokenUsage(0, contentChunks, contentChunks + reasoningChunks, reasoningChunks, 0, 0);
        try {
            onEnd.accept(outcome, counted);
        } catch (RuntimeException e) {
            Log.errorf(e, "recording the end of a stream (%s) failed", outcome);
        }
    }

    private void cutIfStalled() {
        if (buyerConnectionClosed.getAsBoolean()) {
            buyerLeft();
            return;
        }
        if (System.nanoTime() - lastActivity.get() > idleTimeout.toNanos() && stalled.compareAndSet(false, true)) {
            upstream.close();
        }
    }

    private static final class UpstreamBroke extends RuntimeException {
        UpstreamBroke(IOException cause) {
            super(cause);
        }
    }

    private static final class BuyerGone extends RuntimeException {
        BuyerGone(IOException cause) {
            super(cause);
        }
    }
}
