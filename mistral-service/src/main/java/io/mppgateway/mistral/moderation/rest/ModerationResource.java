package io.mppgateway.mistral.moderation.rest;

import java.util.List;

import io.mppgateway.mistral.moderation.service.ModerationService;
import io.mppgateway.mistral.upstream.client.MistralOperation;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Moderation: the Locus-style route (text) and the Mistral-API-compatible text and conversation ones. */
@Path("/")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class ModerationResource {
    private final ModerationService moderation;

    public ModerationResource(ModerationService moderation) {
        this.moderation = moderation;
    }

    @POST
    @Path("/mistral/moderate")
    public Response locusModerate(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return moderation.moderate("/mistral/moderate", MistralOperation.MODERATIONS, body, authorization);
    }

    @POST
    @Path("/v1/moderations")
    public Response moderations(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return moderation.moderate("/v1/moderations", MistralOperation.MODERATIONS, body, authorization);
    }

    @POST
    @Path("/v1/chat/moderations")
    public Response chatModerations(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return moderation.moderate("/v1/chat/moderations", MistralOperation.CHAT_MODERATIONS, body, authorization);
    }
}
