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
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.paywall.service.StreamTally.Ending;
import io.quarkus.logging.Log;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * Relays an upstream's server-sent events to the buyer event by event, flushing each one as it arrives (no
 * buffering beyond one event), and reports how the stream ended exactly once, before the terminating
 * {@code data: [DONE]} is written, so that a buyer who re-presents the credential right after sees the outcome.
 * What the ending is recorded as is {@link StreamTally}'s rule: a stream whose upstream finished is delivered even if
 * the buyer left before {@code [DONE]}; a cut stream is delivered in part if anything reached the buyer; only a
 * stream of which nothing reached the buyer stays redeemable.
 * <p>
 * A buyer who leaves after the upstream finished does not stop the relay from reading on (for the usage chunk that
 * follows the last choice); a buyer who leaves before that does (nothing more is bought from the upstream). An
 * upstream that breaks, stalls longer than the idle timeout or ends early is cut without {@code [DONE]}, so the
 * buyer's SDK reports an error. A provider may withhold chunks the buyer did not ask for (e.g. a usage-only chunk it
 * requested for the ledger): their usage is taken, but they are not relayed.
 */
public final class SseRelay implements StreamingOutput {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final UpstreamStream upstream;
    private final UsageOutcome whole;
    private final Consumer<StreamTally.Result> onEnd;
    private final ObjectMapper mapper;
    private final ScheduledExecutorService watchdog;
    private final Duration idleTimeout;
    private final BooleanSupplier buyerConnectionClosed;
    private final Predicate<JsonNode> withheldFromBuyer;
    private final StreamTally tally = new StreamTally();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private final AtomicBoolean buyerLeft = new AtomicBoolean();
    private final AtomicBoolean upstreamFinished = new AtomicBoolean();
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());

    /**
     * @param whole     outcome when the whole answer was delivered (FULFILLED, or REDEEMED for a redemption)
     * @param onEnd     records the result (reported to payment-service, published to the ledger)
     * @param buyerConnectionClosed polled with the stall check: a buyer who hangs up is noticed within a quarter
     *                  second, not only at the next write (which a kernel buffer may still accept)
     */
    public SseRelay(UpstreamStream upstream, UsageOutcome whole, Consumer<StreamTally.Result> onEnd,
            ObjectMapper mapper, ScheduledExecutorService watchdog, Duration idleTimeout,
            BooleanSupplier buyerConnectionClosed) {
        this(upstream, whole, onEnd, mapper, watchdog, idleTimeout, buyerConnectionClosed, chunk -> false);
    }

    /** @param withheldFromBuyer chunks read for their usage but not relayed */
    public SseRelay(UpstreamStream upstream, UsageOutcome whole, Consumer<StreamTally.Result> onEnd,
            ObjectMapper mapper, ScheduledExecutorService watchdog, Duration idleTimeout,
            BooleanSupplier buyerConnectionClosed, Predicate<JsonNode> withheldFromBuyer) {
        this.upstream = upstream;
        this.whole = whole;
        this.onEnd = onEnd;
        this.mapper = mapper;
        this.watchdog = watchdog;
        this.idleTimeout = idleTimeout;
        this.buyerConnectionClosed = buyerConnectionClosed;
        this.withheldFromBuyer = withheldFromBuyer;
    }

    /**
     * The buyer's connection closed: stop buying from the upstream, unless its answer is complete already (then
     * read on for its usage; nothing more is written).
     */
    private void buyerLeft() {
        if (buyerLeft.compareAndSet(false, true) && !upstreamFinished.get()) {
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
                if (buyerLeft.get() && !upstreamFinished.get()) {
                    break; // nothing more is bought for a buyer who left mid-answer, even if it is buffered here
                }
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
                    // the upstream's whole answer is in, whether or not the buyer is still there to read its end
                    end(Ending.COMPLETE);
                    send(buyer, DONE);
                    return;
                }
                JsonNode chunk = parse(data);
                if (chunk != null && withheldFromBuyer.test(chunk)) {
                    tally.withheld(chunk);
                } else if (send(buyer, event.toString().getBytes(StandardCharsets.UTF_8))) {
                    tally.relayed(chunk); // counted once it reached the buyer
                } else {
                    tally.withheld(chunk); // read after the buyer left: finishes the answer, reaches nobody
                }
                if (tally.upstreamFinished()) {
                    upstreamFinished.set(true);
                }
                event.setLength(0);
                data.setLength(0);
            }
            if (buyerLeft.get()) {
                end(Ending.BUYER_LEFT);
                return;
            }
            if (stalled.get()) {
                throw new UpstreamBroke(new IOException("no data for " + idleTimeout));
            }
            end(Ending.UPSTREAM_CLOSED);
        } catch (UpstreamBroke e) {
            if (buyerLeft.get()) {
                // reading failed because the buyer left and the upstream was closed for it, or the upstream
                // stalled while a buyer who already left was waiting for the usage
                Log.infof("buyer went away after %d chunks", tally.contentChunks());
                end(Ending.BUYER_LEFT);
                return;
            }
            Log.warnf("upstream stream broke after %d chunks: %s", tally.contentChunks(), e.getCause().toString());
            StreamTally.Result result = end(Ending.UPSTREAM_BROKE);
            tryComment(buyer, result != null && result.delivered()
                    ? ": the upstream stream broke; what was relayed above is what this payment delivered\n\n"
                    : ": the upstream stream broke; the payment is kept and the same credential can be "
                            + "presented again\n\n");
        } catch (IOException e) {
            end(buyerLeft.get() ? Ending.BUYER_LEFT : Ending.UPSTREAM_BROKE);
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

    /** Writes and flushes one event; false once the buyer is gone (the first failed write notices it). */
    private boolean send(OutputStream buyer, byte[] bytes) {
        if (buyerLeft.get()) {
            return false;
        }
        try {
            buyer.write(bytes);
            buyer.flush();
            return true;
        } catch (IOException e) {
            Log.debugf("writing to the buyer failed: %s", e.toString());
            buyerLeft();
            return false;
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

    /** Records the result once; returns it, or null when it was recorded already. */
    private StreamTally.Result end(Ending ending) {
        if (!ended.compareAndSet(false, true)) {
            return null;
        }
        StreamTally.Result result = tally.result(ending, whole);
        try {
            onEnd.accept(result);
        } catch (RuntimeException e) {
            Log.errorf(e, "recording the end of a stream (%s) failed", result.outcome());
        }
        return result;
    }

    private void cutIfStalled() {
        if (!buyerLeft.get() && buyerConnectionClosed.getAsBoolean()) {
            buyerLeft();
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
}
