package io.mppgateway.paywall.service;

/**
 * The provider's streaming call to its upstream, made only after payment: returns once the upstream's status and
 * headers are in (retries happen inside, before the first byte). Throws when no answer could be had.
 */
@FunctionalInterface
public interface UpstreamStreamCall {
    UpstreamStream open();
}
