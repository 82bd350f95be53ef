package io.mppgateway.ledger.export.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestMulti;

import io.mppgateway.ledger.common.security.FinanceRoles;
import io.mppgateway.ledger.export.service.CsvExportService;
import io.smallrye.mutiny.Multi;

/** Streamed CSV downloads for finance tools (spreadsheets, accounting imports). */
@Path("/ledger/export")
@Produces("text/csv")
@RolesAllowed(FinanceRoles.FINANCE)
@SecurityRequirement(name = "jwt")
@Tag(name = "export", description = "CSV export of charges and postings")
public class ExportResource {
    private final CsvExportService export;

    public ExportResource(CsvExportService export) {
        this.export = export;
    }

    @GET
    @Path("/charges.csv")
    @Operation(summary = "Charges settled in [from, to), oldest first, with their usage totals (streamed CSV)")
    public Multi<String> charges(@Parameter(description = "ISO-8601 instant", required = true) @RestQuery String from,
            @Parameter(description = "ISO-8601 instant", required = true) @RestQuery String to) {
        return csv(export.charges(export.range(from, to)), "charges");
    }

    @GET
    @Path("/postings.csv")
    @Operation(summary = "Postings of the journal transactions that occurred in [from, to) (streamed CSV)")
    public Multi<String> postings(@Parameter(description = "ISO-8601 instant", required = true) @RestQuery String from,
            @Parameter(description = "ISO-8601 instant", required = true) @RestQuery String to) {
        return csv(export.postings(export.range(from, to)), "postings");
    }

    private static Multi<String> csv(Multi<String> body, String name) {
        return RestMulti.fromMultiData(body)
                .header("Content-Type", "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"")
                .build();
    }
}
