package io.mppgateway.ledger.charge.domain;

import java.time.Instant;

/**
 * A validated listing request: optional provider, settled_at in [from, to), and the keyset position to continue after.
 */
public record ChargeFilter(String provider, Instant from, Instant to, int limit, PageCursor after) {
}
