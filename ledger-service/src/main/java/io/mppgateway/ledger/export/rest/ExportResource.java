package io.mppgateway.ledger.export.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

import io.mppgateway.ledger.common.security.FinanceRoles;
import io.mppgateway.ledger.export.service.CsvExportService;

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
    public Response charges(@Parameter(description = "ISO-8601 instant", required = true) @RestQuery String from,
            @Parameter(description = "ISO-8601 instant", required = true) @RestQuery String to) {
        var range = export.range(from, to);
        StreamingOutput body = out -> export.writeCharges(range, out);
        return csv(body, "charges");
    }

    @GET
    @Path("/postings.csv")
    @Operation(summary = "Postings of the journal transactions that occurred in [from, to) (streamed CSV)")
    public Response postings(@Parameter(description = "ISO-8601 instant", required = true) @RestQuery String from,
            @Parameter(description = "ISO-8601 instant", required = true) @RestQuery String to) {
        var range = export.range(from, to);
        StreamingOutput body = out -> export.writePostings(range, out);
        return csv(body, "postings");
    }

    private static Response csv(StreamingOutput body, String name) {
        return Response.ok(body, "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"")
                .build();
    }
}
