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

import io.mppgateway.ledger.charge.service.ChargeQuery;
import io.mppgateway.ledger.charge.service.ChargeQueryService;
import io.mppgateway.ledger.common.security.FinanceRoles;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
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
    private final ChargeQueryService charges;

    public ReportResource(ReportService reports, ChargeQueryService charges) {
        this.reports = reports;
        this.charges = charges;
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

    @GET
    @Path("/pricing")
    @WithSession
    @Operation(summary = "Quote against actual per provider and model over UTC days [from, to)",
            description = "What was charged (revenue) against the actual upstream cost of the calls and the worst case "
                    + "their prices were computed from: overcharge = charged - upstreamCost, quoteSlack = "
                    + "quotedUpstreamCost - upstreamCost, both also in basis points; costOverPriceCalls counts the "
                    + "charges settled in the range sold below their upstream cost (should be 0).")
    public Uni<PricingView> pricing(
            @Parameter(description = "first UTC day, e.g. 2026-11-01", required = true) @RestQuery String from,
            @Parameter(description = "day after the last, e.g. 2026-12-01", required = true) @RestQuery String to,
            @Parameter(description = "only this provider") @RestQuery String provider) {
        return reports.pricing(from, to, provider).map(PricingView::of);
    }

    @GET
    @Path("/cost-over-price")
    @WithSession
    @Operation(summary = "Calls whose upstream cost exceeded their price (should be none), newest first",
            description = "Keyset pages like /ledger/charges (from/to are ISO-8601 instants on settledAt; after = the "
                    + "previous page's nextCursor). loss = upstreamCost - amount; quoteExceeded when the actual cost "
                    + "was above the worst case the price was computed from.")
    public Uni<CostOverPriceView> costOverPrice(
            @Parameter(description = "settledAt >= from (ISO-8601 instant)") @RestQuery String from,
            @Parameter(description = "settledAt < to (ISO-8601 instant)") @RestQuery String to,
            @Parameter(description = "only this provider") @RestQuery String provider,
            @Parameter(description = "only this model") @RestQuery String model,
            @Parameter(description = "page size, 1..500 (default 50)") @RestQuery String limit,
            @Parameter(description = "nextCursor of the previous page") @RestQuery String after) {
        return charges.list(new ChargeQuery(provider, null, model, null, null, from, to, limit, after, "true"))
                .map(page -> new CostOverPriceView(page.items().stream().map(CostOverPriceView.Item::of).toList(),
                        page.nextCursor()));
    }
}
