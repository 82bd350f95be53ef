package io.mppgateway.paywall.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.paywall.usage.Usage;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The provider's business meters (Prometheus names in brackets; deploy/grafana/gateway.json is built on them):
 * <ul>
 * <li>requests to paid routes that ended before a settlement, by result: invalid, challenged, rejected,
 * payment_unavailable [{@code paywall_requests_total{route,result}}];</li>
 * <li>challenges minted in-process, by realm [{@code paywall_challenges_issued_total{realm}}] (payment-service counts
 * the fresh challenges of its rejections as {@code payment_challenges_issued_total});</li>
 * <li>settled calls by route, model and outcome (fulfilled, redeemed, upstream_failed, client_gone, ...)
 * [{@code paywall_paid_calls_total{route,model,outcome}}];</li>
 * <li>revenue, counted when a new payment settles, and upstream cost, when a call is recorded, both in pathUSD base
 * units [{@code paywall_revenue_base_units_total}, {@code paywall_upstream_cost_base_units_total}];</li>
 * <li>tokens by kind (prompt, completion, reasoning, cached) [{@code paywall_tokens_total{route,model,kind}}];</li>
 * <li>the release: settlement answer to payments.settled consumed, by result (released, redeemed, delayed)
 * [{@code paywall_release_seconds}];</li>
 * <li>the upstream's latency (a whole answer, or a stream to its end) and status
 * [{@code paywall_upstream_seconds{route,status}}];</li>
 * <li>calls in flight (arrived, not yet answered) and event streams open [{@code paywall_calls_in_flight},
 * {@code paywall_sse_streams_open}].</li>
 * </ul>
 * Money is counted in integer base units; a Prometheus counter holds them exactly up to 2^53 (9 billion pathUSD).
 */
@ApplicationScoped
public class PaywallMetrics {
    private static final String NONE = "none";

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger streamsOpen = new AtomicInteger();

    public PaywallMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("paywall.calls.in.flight", inFlight);
        registry.gauge("paywall.sse.streams.open", streamsOpen);
    }

    /** A request to a paid route arrived; {@link #callEnded()} once its response is done. */
    public void callStarted() {
        inFlight.incrementAndGet();
    }

    public void callEnded() {
        inFlight.decrementAndGet();
    }

    public void streamOpened() {
        streamsOpen.incrementAndGet();
    }

    public void streamClosed() {
        streamsOpen.decrementAndGet();
    }

    /** A request that ended before settlement: invalid, challenged, rejected or payment_unavailable. */
    public void request(String route, String result) {
        registry.counter("paywall.requests", "route", route, "result", result).increment();
    }

    /** A challenge was minted for an unpaid request. */
    public void challengeIssued(String realm) {
        registry.counter("paywall.challenges.issued", "realm", realm).increment();
    }

    /** A new payment settled for this call (a redemption is not new revenue). */
    public void revenue(String route, String model, long baseUnits) {
        Counter.builder("paywall.revenue").baseUnit("base_units").tags("route", route, "model", tag(model))
                .register(registry).increment(baseUnits);
    }

    /** The call's recorded outcome, what it cost upstream and the tokens it used. */
    public void recorded(String route, String model, UsageOutcome outcome, long upstreamCost, Usage used) {
        String m = tag(model);
        registry.counter("paywall.paid.calls", "route", route, "model", m, "outcome",
                outcome.name().toLowerCase(Locale.ROOT)).increment();
        if (upstreamCost > 0) {
            Counter.builder("paywall.upstream.cost").baseUnit("base_units").tags("route", route, "model", m)
                    .register(registry).increment(upstreamCost);
        }
        tokens(route, m, "prompt", used.promptTokens());
        tokens(route, m, "completion", used.completionTokens());
        tokens(route, m, "reasoning", used.reasoningTokens());
        tokens(route, m, "cached", used.cachedTokens());
    }

    /** From the settlement answer to the release (result: released, redeemed, delayed). */
    public void release(String route, String result, long nanos) {
        Timer.builder("paywall.release").tags("route", route, "result", result)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One upstream exchange: a whole answer, or a stream to its end; status 0 when there was no answer at all. */
    public void upstream(String route, int status, long millis) {
        Timer.builder("paywall.upstream").tags("route", route, "status", Integer.toString(status))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry).record(millis, TimeUnit.MILLISECONDS);
    }

    private void tokens(String route, String model, String kind, long count) {
        if (count > 0) {
            registry.counter("paywall.tokens", "route", route, "model", model, "kind", kind).increment(count);
        }
    }

    private static String tag(String value) {
        return value == null || value.isBlank() ? NONE : value;
    }
}
