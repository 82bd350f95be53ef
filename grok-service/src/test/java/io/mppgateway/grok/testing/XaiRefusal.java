package io.mppgateway.grok.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;

/** A bad request refused before any payment, in xAI's (OpenAI-style) error shape. */
public final class XaiRefusal {
    private XaiRefusal() {
    }

    public static void assertRefused(String path, String body, String param, String code) {
        given().contentType(ContentType.JSON).body(body).post(path).then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo(param))
                .body("error.code", equalTo(code));
    }
}
