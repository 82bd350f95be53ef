package io.mppgateway.ledger.reconciliation.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

import io.mppgateway.ledger.common.security.FinanceRoles;
import io.mppgateway.ledger.reconciliation.domain.ReconciliationReport;
import io.mppgateway.ledger.reconciliation.service.ReconciliationService;
import io.smallrye.mutiny.Uni;

/** The ledger proved against the chain. */
@Path("/ledger/reconciliation")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(FinanceRoles.FINANCE)
@SecurityRequirement(name = "jwt")
@Tag(name = "reconciliation", description = "Ledger against the Tempo chain")
public class ReconciliationResource {
    private final ReconciliationService reconciliation;

    public ReconciliationResource(ReconciliationService reconciliation) {
        this.reconciliation = reconciliation;
    }

    @GET
    @Operation(summary = "Reconcile the charges settled in [from, to) with the chain",
            description = "Each charge's tx receipt is re-read (success, a TIP-20 Transfer to the recipient of the "
                    + "amount minus the charge's splits, and for each split a Transfer to its recipient of exactly "
                    + "its amount): matched, ledgerOnly (missing, reverted or no transfer to the recipient) or "
                    + "amountMismatches (a different amount, or a split missing or different). "
                    + "Transfers to the recipients found with eth_getLogs that no charge claims are chainOnly. "
                    + "days compares, per UTC day and recipient, the ledger total (what the charges left the "
                    + "recipient after splits) with the chain total.")
    @APIResponse(responseCode = "200", description = "The reconciliation report")
    @APIResponse(responseCode = "400", description = "Bad or too large range (application/problem+json)")
    @APIResponse(responseCode = "503", description = "The chain cannot be asked right now; retry later")
    public Uni<ReconciliationReport> reconcile(
            @Parameter(description = "ISO-8601 instant", required = true) @RestQuery String from,
            @Parameter(description = "ISO-8601 instant", required = true) @RestQuery String to,
            @Parameter(description = "only this recipient wallet (default: every recipient of the range's charges "
                    + "and the configured ledger.chain.recipients)") @RestQuery String recipient) {
        return reconciliation.reconcile(from, to, recipient);
    }
}
