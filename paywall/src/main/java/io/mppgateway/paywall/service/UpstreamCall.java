package io.mppgateway.paywall.service;

/** The provider's call to its upstream, made only after payment. Throws when no answer could be had. */
@FunctionalInterface
public interface UpstreamCall {
    UpstreamResponse call();
}
