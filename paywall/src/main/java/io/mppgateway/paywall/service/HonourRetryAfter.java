package io.mppgateway.paywall.service;

import io.mppgateway.paywall.config.PaywallConfig;
import io.quarkus.logging.Log;
import io.smallrye.faulttolerance.api.BeforeRetryHandler;
import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.faulttolerance.ExecutionContext;

/**
 * Before the next attempt at an upstream that said 429/503 with Retry-After, waits as long as it asked (capped, so
 * a paid buyer is not held for minutes). Use with {@code @BeforeRetry(HonourRetryAfter.class)} next to
 * {@code @Retry}, whose own delay then adds to it.
 */
@Dependent
public class HonourRetryAfter implements BeforeRetryHandler {
    private final PaywallConfig config;

    public HonourRetryAfter(PaywallConfig config) {
        this.config = config;
    }

    @Override
    public void handle(ExecutionContext context) {
        if (!(context.getFailure() instanceof UpstreamUnavailableException unavailable)
                || unavailable.retryAfterSeconds() < 0) {
            return;
        }
        long waitMs = Math.min(unavailable.retryAfterSeconds() * 1000, config.maxRetryAfter().toMillis());
        Log.debugf("upstream asked to retry after %d s; waiting %d ms", unavailable.retryAfterSeconds(), waitMs);
        try {
            Thread.sleep(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
