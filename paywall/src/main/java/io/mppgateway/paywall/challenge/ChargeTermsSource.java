package io.mppgateway.paywall.challenge;

import java.time.Duration;

import io.mppgateway.contracts.mpp.ChargeTerms;
import io.mppgateway.paywall.client.PaymentServiceClient;
import io.mppgateway.paywall.config.PaywallConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The charge terms this provider mints its challenges with (recipient, currency, chain, modes, each route's splits
 * and memo), fetched from payment-service ({@code GET /internal/charge-terms}) when the service starts and again
 * every {@code paywall.challenges.terms-refresh}: payment-service pins every echoed challenge against its own terms,
 * so a change there reaches the challenges within one refresh. Until the first answer no challenge can be offered
 * (503, retried every {@code terms-retry}); after that the last terms fetched are used while payment-service is away.
 */
@ApplicationScoped
public class ChargeTermsSource {
    private final PaymentServiceClient payments;
    private final PaywallConfig.Challenges config;
    private final Vertx vertx;
    private volatile ChargeTerms terms;
    private volatile boolean stopped;
    private volatile boolean failing;

    public ChargeTermsSource(PaymentServiceClient payments, PaywallConfig config, Vertx vertx) {
        this.payments = payments;
        this.config = config.challenges();
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent started) {
        fetch();
    }

    void stop(@Observes ShutdownEvent stopping) {
        stopped = true;
    }

    /** Whether payment-service has answered once since this service started (readiness). */
    public boolean available() {
        return terms != null;
    }

    /** @throws IllegalStateException while payment-service has not answered once since this service started */
    public ChargeTerms current() {
        ChargeTerms current = terms;
        if (current == null) {
            throw new IllegalStateException("no charge terms from payment-service yet");
        }
        return current;
    }

    private void fetch() {
        payments.chargeTerms().subscribe().with(fetched -> {
            if (terms == null || failing) {
                Log.infof("charge terms from payment-service: chain %d, recipient %s, %d route(s) with splits or memo",
                        fetched.chainId(), fetched.recipient(), fetched.routes().size());
            }
            terms = fetched;
            failing = false;
            schedule(config.termsRefresh());
        }, failure -> {
            if (!failing) {
                Log.warnf("charge terms not fetched from payment-service (%s); %s", failure.toString(),
                        terms == null ? "no challenge can be offered yet" : "the last ones fetched stay in use");
            }
            failing = true;
            schedule(config.termsRetry());
        });
    }

    private void schedule(Duration delay) {
        if (!stopped) {
            vertx.setTimer(Math.max(1, delay.toMillis()), id -> fetch());
        }
    }
}
