package io.mppgateway.ledger.charge.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.mppgateway.ledger.charge.service.ChargeQueryService;

/** Finance API over charges. Blocking JDBC, so these run on worker threads (non-reactive return types). */
@Path("/ledger/charges")
@Produces(MediaType.APPLICATION_JSON)
public class ChargeResource {
    private final ChargeQueryService charges;

    public ChargeResource(ChargeQueryService charges) {
        this.charges = charges;
    }

    /** Charges newest first; {@code from} inclusive, {@code to} exclusive, {@code after} = a previous nextCursor. */
    @GET
    public ChargePageView list(@RestQuery String provider, @RestQuery String from, @RestQuery String to,
            @RestQuery String limit, @RestQuery String after) {
        var page = charges.list(provider, from, to, limit, after);
        return new ChargePageView(page.items().stream().map(ChargeView::of).toList(), page.nextCursor());
    }

    /** {@code id} is the challenge id or the charge id. */
    @GET
    @Path("/{id}")
    public ChargeDetailView get(@RestPath String id) {
        return ChargeDetailView.of(charges.get(id));
    }
}
