package io.mppgateway.paywall.challenge;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until the first charge terms arrived: before that every paid route would answer 503, so neither the
 * Service nor a start-up script should send buyers here. Once fetched, the terms stay in use while payment-service is
 * away (the service stays ready).
 */
@Readiness
@ApplicationScoped
public class ChargeTermsReadiness implements HealthCheck {
    private final ChargeTermsSource terms;

    public ChargeTermsReadiness(ChargeTermsSource terms) {
        this.terms = terms;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("charge-terms").status(terms.available()).build();
    }
}
