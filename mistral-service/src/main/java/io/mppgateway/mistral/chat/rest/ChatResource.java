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

/**
 * Chat and fill-in-the-middle completions, sold per call: the Locus-style routes and the Mistral-API-compatible
 * ones. With {@code "stream": true} the answer is {@code text/event-stream}.
 */
@Path("/")
@Consumes(MediaType.WILDCARD)
@Produces({ MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS })
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

    @POST
    @Path("/mistral/fim")
    public Response locusFim(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return chat.fillInTheMiddle("/mistral/fim", body, authorization);
    }

    @POST
    @Path("/v1/fim/completions")
    public Response fimCompletions(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return chat.fillInTheMiddle("/v1/fim/completions", body, authorization);
    }
}
