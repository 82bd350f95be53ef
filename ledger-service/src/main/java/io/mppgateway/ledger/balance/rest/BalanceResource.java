package io.mppgateway.ledger.balance.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

import io.mppgateway.ledger.balance.repository.BalanceRepository;
import io.mppgateway.ledger.common.security.FinanceRoles;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** Account balances over the whole journal, sorted by account name. */
@Path("/ledger/balances")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(FinanceRoles.FINANCE)
@SecurityRequirement(name = "jwt")
@WithSession
@Tag(name = "balances", description = "Account balances of the double-entry journal")
public class BalanceResource {
    private final BalanceRepository balances;

    public BalanceResource(BalanceRepository balances) {
        this.balances = balances;
    }

    @GET
    @Operation(summary = "Balance of every account (debit - credit; negative for liabilities and revenue)")
    public Uni<List<BalanceView>> list(
            @Parameter(description = "only accounts starting with this, e.g. revenue: or assets:wallet:")
            @RestQuery String prefix) {
        return balances.totals(prefix == null || prefix.isBlank() ? null : prefix).map(rows -> rows.stream()
                .map(t -> new BalanceView(t.account(), t.debit(), t.credit(), Math.subtractExact(t.debit(), t.credit())))
                .toList());
    }
}
