package io.mppgateway.ledger.charge.rest;

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
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.mppgateway.ledger.charge.service.ChargeQuery;
import io.mppgateway.ledger.charge.service.ChargeQueryService;
import io.mppgateway.ledger.common.security.FinanceRoles;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** Finance API over charges; reactive end to end (Hibernate Reactive session per request, no worker thread). */
@Path("/ledger/charges")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(FinanceRoles.FINANCE)
@SecurityRequirement(name = "jwt")
@WithSession
@Tag(name = "charges", description = "Settled charges with their usage and postings")
public class ChargeResource {
    private final ChargeQueryService charges;

    public ChargeResource(ChargeQueryService charges) {
        this.charges = charges;
    }

    @GET
    @Operation(summary = "List charges, newest first (keyset pagination)",
            description = "Order: settledAt desc, challengeId desc. Pass the previous page's nextCursor as `after`; "
                    + "the order is stable under concurrent inserts. Amounts are integer base units (6 decimals); "
                    + "walletAmount is what the recipient received (amount minus the charge's splits).")
    @APIResponse(responseCode = "200", description = "One page; nextCursor is null on the last page")
    @APIResponse(responseCode = "400", description = "Bad parameter (application/problem+json)")
    public Uni<ChargePageView> list(
            @Parameter(description = "provider, e.g. mistral") @RestQuery String provider,
            @Parameter(description = "paid route, e.g. /mistral/chat") @RestQuery String route,
            @Parameter(description = "model that served the call") @RestQuery String model,
            @Parameter(description = "payer address (exact)") @RestQuery String payer,
            @Parameter(description = "settled | fulfilled | unfulfilled | refunded") @RestQuery String status,
            @Parameter(description = "settledAt >= from (ISO-8601 instant)") @RestQuery String from,
            @Parameter(description = "settledAt < to (ISO-8601 instant)") @RestQuery String to,
            @Parameter(description = "page size, 1..500 (default 50)") @RestQuery String limit,
            @Parameter(description = "nextCursor of the previous page") @RestQuery String after,
            @Parameter(description = "true: only charges whose upstream cost exceeded their price")
            @RestQuery String costOverPrice) {
        return charges.list(new ChargeQuery(provider, route, model, payer, status, from, to, limit, after,
                costOverPrice))
                .map(page -> new ChargePageView(
                        page.items().stream().map(c -> ChargeView.of(c, page.walletAmount(c))).toList(),
                        page.nextCursor()));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One charge with its settlement, splits, usage and journal postings",
            description = "`id` is the challenge id or the charge id. splits are the parts of the amount the buyer "
                    + "paid straight to other recipients in the same transaction; walletAmount = amount - splits.")
    @APIResponse(responseCode = "200", description = "The charge")
    @APIResponse(responseCode = "404", description = "No such charge (application/problem+json)")
    public Uni<ChargeDetailView> get(@RestPath String id) {
        return charges.get(id).map(ChargeDetailView::of);
    }
}
