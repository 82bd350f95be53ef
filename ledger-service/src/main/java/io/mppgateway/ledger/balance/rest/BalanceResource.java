package io.mppgateway.ledger.balance.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.mppgateway.ledger.balance.repository.BalanceRepository;

/** Account balances over the whole journal, sorted by account name. */
@Path("/ledger/balances")
@Produces(MediaType.APPLICATION_JSON)
public class BalanceResource {
    private final BalanceRepository balances;

    public BalanceResource(BalanceRepository balances) {
        this.balances = balances;
    }

    @GET
    public List<BalanceView> list() {
        return balances.totals().stream()
                .map(t -> new BalanceView(t.account(), t.debit(), t.credit(), Math.subtractExact(t.debit(), t.credit())))
                .toList();
    }
}
