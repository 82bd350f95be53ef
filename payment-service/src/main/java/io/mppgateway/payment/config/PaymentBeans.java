package io.mppgateway.payment.config;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.payment.mpp.CredentialParser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Wires the plain wire-format classes into CDI. */
@ApplicationScoped
public class PaymentBeans {

    @Produces
    @Singleton
    CredentialParser credentialParser(ObjectMapper mapper) {
        return new CredentialParser(mapper);
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
