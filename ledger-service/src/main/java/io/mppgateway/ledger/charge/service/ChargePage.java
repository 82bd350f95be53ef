package io.mppgateway.ledger.charge.service;

import java.util.List;

import io.mppgateway.ledger.charge.domain.Charge;

/** One page of charges; {@code nextCursor} is null on the last page. */
public record ChargePage(List<Charge> items, String nextCursor) {
}
