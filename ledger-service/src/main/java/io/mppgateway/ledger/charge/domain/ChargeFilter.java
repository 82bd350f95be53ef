package io.mppgateway.ledger.charge.domain;

import java.time.Instant;

/**
 * A validated listing request: optional equality filters, settled_at in [from, to), only charges sold below their
 * upstream cost when {@code costOverPrice}, and the keyset position to continue after.
 */
public record ChargeFilter(String provider, String route, String model, String payer, ChargeStatus status,
        Instant from, Instant to, int limit, PageCursor after, boolean costOverPrice) {
}
