package io.mppgateway.mistral.ocr.rest;

import java.util.List;

import io.mppgateway.mistral.ocr.service.OcrService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Document OCR: the Locus-style route and the Mistral-API-compatible one. */
@Path("/")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class OcrResource {
    private final OcrService ocr;

    public OcrResource(OcrService ocr) {
        this.ocr = ocr;
    }

    @POST
    @Path("/mistral/ocr")
    public Response locusOcr(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return ocr.read("/mistral/ocr", body, authorization);
    }

    @POST
    @Path("/v1/ocr")
    public Response ocr(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return ocr.read("/v1/ocr", body, authorization);
    }
}
