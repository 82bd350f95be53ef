package io.mppgateway.ledger.charge.rest;

import java.util.List;

/** A page of charges; pass {@code nextCursor} as {@code after} to get the next one (null on the last page). */
public record ChargePageView(List<ChargeView> items, String nextCursor) {
}
