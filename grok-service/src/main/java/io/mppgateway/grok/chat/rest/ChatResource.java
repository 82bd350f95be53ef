package io.mppgateway.grok.chat.rest;

import java.util.List;

import io.mppgateway.grok.chat.service.ChatService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Chat completions, sold per call: the Locus-style route and the OpenAI/xAI-compatible one. With
 * {@code "stream": true} the answer is {@code text/event-stream}.
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
    @Path("/grok/chat")
    public Response locusChat(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return chat.complete("/grok/chat", body, authorization);
    }

    @POST
    @Path("/v1/chat/completions")
    public Response chatCompletions(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return chat.complete("/v1/chat/completions", body, authorization);
    }
}
