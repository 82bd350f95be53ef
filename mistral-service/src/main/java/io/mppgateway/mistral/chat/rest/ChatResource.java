package io.mppgateway.mistral.chat.rest;

import java.util.List;

import io.mppgateway.mistral.chat.service.ChatService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Chat completions, sold per call: the Locus-style route and the Mistral-API-compatible one. */
@Path("/")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class ChatResource {
    private final ChatService chat;

    public ChatResource(ChatService chat) {
        this.chat = chat;
    }

    @POST
    @Path("/mistral/chat")
    public Response locusChat(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return chat.complete("/mistral/chat", body, authorization);
    }

    @POST
    @Path("/v1/chat/completions")
    public Response chatCompletions(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return chat.complete("/v1/chat/completions", body, authorization);
    }
}
