package io.mppgateway.ledger.report.rest;

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

import io.mppgateway.ledger.common.security.FinanceRoles;
import io.mppgateway.ledger.report.service.ReportService;
import io.smallrye.mutiny.Uni;

/** Revenue and usage reports served from the daily rollups. */
@Path("/ledger/reports")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(FinanceRoles.FINANCE)
@SecurityRequirement(name = "jwt")
@Tag(name = "reports", description = "Revenue, upstream cost, split cost, margin, calls and tokens")
public class ReportResource {
    private final ReportService reports;

    public ReportResource(ReportService reports) {
        this.reports = reports;
    }

    @GET
    @Operation(summary = "Revenue, upstream cost, split cost, margin, calls and tokens over UTC days [from, to)",
            description = "Served from rollups written in the same transaction as the journal. Usage counts on the "
                    + "day it was recorded, a refund on the day it was made, split cost (what buyers paid to split "
                    + "recipients for the gateway) on the day the charge settled, under the model its first usage "
                    + "named (model '' until then). revenue is net of reversed revenue; refunds lists every refunded "
                    + "amount; margin = revenue - upstreamCost - splitCost. payer cannot be combined with model; "
                    + "grouped by payer, rows come a page of payers at a time (limit, after = the previous page's "
                    + "nextAfter) while total always covers every payer of the range.")
    public Uni<ReportView> report(
            @Parameter(description = "first UTC day, e.g. 2026-11-01", required = true) @RestQuery String from,
            @Parameter(description = "day after the last, e.g. 2026-12-01", required = true) @RestQuery String to,
            @Parameter(description = "comma-separated: day, provider, model, payer (default day)")
            @RestQuery String groupBy,
            @Parameter(description = "only this provider") @RestQuery String provider,
            @Parameter(description = "with groupBy payer: payers per page (default 1000, at most 10000)")
            @RestQuery Integer limit,
            @Parameter(description = "with groupBy payer: the nextAfter of the previous page") @RestQuery String after) {
        return reports.report(from, to, groupBy, provider, limit, after).map(ReportView::of);
    }
}
