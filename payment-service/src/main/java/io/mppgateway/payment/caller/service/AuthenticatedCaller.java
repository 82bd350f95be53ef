package io.mppgateway.payment.caller.service;

import jakarta.enterprise.context.RequestScoped;

/** The caller of the current {@code /internal/*} request, set by the authentication filter. */
@RequestScoped
public class AuthenticatedCaller {
    private Caller caller;

    public void set(Caller caller) {
        this.caller = caller;
    }

    /** Never null inside a resource of {@code /internal/*}: the filter refuses unauthenticated calls before. */
    public Caller get() {
        if (caller == null) {
            throw new CallerRejectedException(401, "service authentication required");
        }
        return caller;
    }
}
