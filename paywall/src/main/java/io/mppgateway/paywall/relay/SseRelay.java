package io.mppgateway.paywall.relay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.paywall.relay.StreamTally.Ending;
import io.mppgateway.paywall.upstream.UpstreamStream;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

/**
 * Relays an upstream's server-sent events to the buyer event by event as they arrive, holding no thread: the
 * upstream's body is read with Vert.x handlers on the buyer's event loop, each event written as soon as it is
 * complete, and the upstream paused while the buyer's connection cannot take more (backpressure). How the stream
 * ended is recorded exactly once, before the terminating {@code data: [DONE]} is written, by {@link StreamTally}'s
 * rule: a stream whose upstream finished is delivered even if the buyer left before {@code [DONE]}; a cut stream is
 * delivered in part if anything reached the buyer; only a stream of which nothing reached the buyer stays
 * redeemable.
 * <p>
 * A buyer who leaves after the upstream finished does not stop the relay from reading on (for the usage chunk that
 * follows the last choice); a buyer who leaves before that does (the upstream connection is dropped: nothing more
 * is bought). An upstream that breaks, stays silent longer than the idle timeout or ends early is cut without
 * {@code [DONE]}, so the buyer's SDK reports an error. Chunks the buyer did not ask for (e.g. a usage-only chunk the
 * gateway requested for the ledger) are read for their usage but not relayed.
 * <p>
 * Every method runs on the buyer's Vert.x context (the upstream request was made from it), so nothing here is
 * shared between threads.
 */
public final class SseRelay {
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n", "US-ASCII");

    private final UpstreamStream upstream;
    private final HttpServerResponse buyer;
    private final UsageOutcome whole;
    private final Consumer<StreamTally.Result> onEnd;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final long idleNanos;
    private final Predicate<JsonNode> withheldFromBuyer;
    private final StreamTally tally = new StreamTally();
    private final SseEventParser parser = new SseEventParser();
    private long lastActivity = System.nanoTime();
    private long idleTimer = -1;
    private boolean buyerGone;
    private boolean ended;
    private boolean stopped;

    /**
     * @param whole  what a delivered stream is recorded as (FULFILLED, or REDEEMED for a redemption)
     * @param onEnd  records the result (reported to payment-service, published to the ledger)
     * @param idleTimeout an upstream silent this long is cut
     */
    public SseRelay(UpstreamStream upstream, HttpServerResponse buyer, UsageOutcome whole,
            Consumer<StreamTally.Result> onEnd, ObjectMapper mapper, Vertx vertx, Duration idleTimeout,
            Predicate<JsonNode> withheldFromBuyer) {
        this.upstream = upstream;
        this.buyer = buyer;
        this.whole = whole;
        this.onEnd = onEnd;
        this.mapper = mapper;
        this.vertx = vertx;
        this.idleNanos = idleTimeout.toNanos();
        this.withheldFromBuyer = withheldFromBuyer;
    }

    /** Starts relaying; the buyer's response head (status, headers) must be set already. */
    public void start() {
        HttpClientResponse response = upstream.response();
        buyer.closeHandler(v -> buyerLeft());
        buyer.exceptionHandler(e -> buyerLeft());
        response.handler(this::onData);
        response.endHandler(v -> onUpstreamEnd());
        response.exceptionHandler(this::onUpstreamError);
        armIdleTimer(idleNanos);
        if (buyer.closed()) {
            buyerLeft(); // gone while the payment was being settled
            return;
        }
        // the head goes out now: the buyer's client sees the receipt before the first event
        buyer.write(Buffer.buffer());
        response.resume();
    }

    private void onData(Buffer data) {
        if (stopped) {
            return;
        }
        lastActivity = System.nanoTime();
        parser.feed(data, this::onEvent);
        if (!stopped && !buyerGone && buyer.writeQueueFull()) {
            HttpClientResponse response = upstream.response();
            response.pause();
            buyer.drainHandler(v -> response.resume());
        }
    }

    private void onEvent(byte[] raw, String data) {
        if (stopped) {
            return;
        }
        if ("[DONE]".equals(data)) {
            // the upstream's whole answer is in, whether or not the buyer is still there to read its end
            end(Ending.COMPLETE);
            if (!buyerGone) {
                buyer.end(DONE);
            }
            stop();
            return;
        }
        JsonNode chunk = parse(data);
        if (chunk != null && withheldFromBuyer.test(chunk)) {
            tally.withheld(chunk);
        } else if (!buyerGone && !buyer.closed()) {
            buyer.write(Buffer.buffer(raw));
            tally.relayed(chunk); // counted once it is on its way to the buyer
        } else {
            tally.withheld(chunk); // read after the buyer left: completes the answer, reaches nobody
        }
    }

    private void onUpstreamEnd() {
        if (stopped) {
            return;
        }
        if (buyerGone) {
            end(Ending.BUYER_LEFT);
        } else {
            // the upstream closed without [DONE]: a cut stream, unless its answer was complete
            end(Ending.UPSTREAM_CLOSED);
            buyer.end();
        }
        stop();
    }

    private void onUpstreamError(Throwable failure) {
        if (stopped) {
            return;
        }
        if (buyerGone) {
            end(Ending.BUYER_LEFT);
        } else {
            Log.warnf("upstream stream broke after %d chunks: %s", tally.contentChunks(), failure.toString());
            cutForTheBuyer(end(Ending.UPSTREAM_BROKE));
        }
        stop();
    }

    /** The buyer's connection closed: stop buying from the upstream, unless its answer is complete already. */
    private void buyerLeft() {
        if (buyerGone || stopped) {
            return;
        }
        buyerGone = true;
        if (!tally.upstreamFinished()) {
            Log.infof("buyer went away after %d chunks", tally.contentChunks());
            end(Ending.BUYER_LEFT);
            upstream.cancel();
            stop();
        }
        // finished: read on for the usage; [DONE], the end or the idle timeout records it
    }

    private void armIdleTimer(long inNanos) {
        idleTimer = vertx.setTimer(Math.max(1, inNanos / 1_000_000), id -> {
            if (stopped) {
                return;
            }
            long silent = System.nanoTime() - lastActivity;
            if (silent < idleNanos) {
                armIdleTimer(idleNanos - silent);
                return;
            }
            if (buyerGone) {
                end(Ending.BUYER_LEFT);
            } else {
                Log.warnf("upstream stream stalled after %d chunks: no data for %d ms", tally.contentChunks(),
                        idleNanos / 1_000_000);
                cutForTheBuyer(end(Ending.UPSTREAM_BROKE));
            }
            upstream.cancel();
            stop();
        });
    }

    /** Ends the buyer's stream without [DONE], with a comment saying what became of the payment. */
    private void cutForTheBuyer(StreamTally.Result result) {
        if (buyer.closed() || buyer.ended()) {
            return;
        }
        buyer.end(Buffer.buffer(result != null && result.delivered()
                ? ": the upstream stream broke; what was relayed above is what this payment delivered\n\n"
                : ": the upstream stream broke; the payment is kept and the same credential can be presented "
                        + "again\n\n", StandardCharsets.UTF_8.name()));
    }

    private void stop() {
        stopped = true;
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
        }
    }

    /** The event's data as JSON; null for anything else (a comment or an event we do not know). */
    private JsonNode parse(String data) {
        if (data.isEmpty()) {
            return null;
        }
        try {
            return mapper.readTree(data);
        } catch (Exception e) {
            return null;
        }
    }

    /** Records the result once; returns it, or null when it was recorded already. */
    private StreamTally.Result end(Ending ending) {
        if (ended) {
            return null;
        }
        ended = true;
        StreamTally.Result result = tally.result(ending, whole);
        try {
            onEnd.accept(result);
        } catch (RuntimeException e) {
            Log.errorf(e, "recording the end of a stream (%s) failed", result.outcome());
        }
        return result;
    }
}
