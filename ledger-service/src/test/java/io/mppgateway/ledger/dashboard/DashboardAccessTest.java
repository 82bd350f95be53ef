package io.mppgateway.ledger.dashboard;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mppgateway.ledger.support.FinanceAuth;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RedirectConfig;
import io.restassured.config.RestAssuredConfig;

/**
 * The dashboard is no easier to read than the API: pages, scripts and settings need the finance role, whether the
 * token comes as the sign-in cookie or as a bearer header; the token sign-in accepts only what the API would.
 */
@QuarkusTest
class DashboardAccessTest {
    private static final String KEY = "jwt/test-private.pem";
    private static final String COOKIE = "ledger_finance";
    private static final List<String> PROTECTED = List.of("/dashboard/", "/dashboard/index.html", "/dashboard/app.js",
            "/dashboard/money.js", "/dashboard/style.css", "/dashboard-api/settings");
    private static final RestAssuredConfig NO_REDIRECTS = RestAssuredConfig.config()
            .redirect(RedirectConfig.redirectConfig().followRedirects(false));

    private final String finance = FinanceAuth.token("finance", KEY, FinanceAuth.ISSUER, 3600);
    private final String user = FinanceAuth.token("user", KEY, FinanceAuth.ISSUER, 3600);

    @BeforeEach
    void anonymous() {
        FinanceAuth.anonymous();
    }

    @Test
    void nothingWithoutACredential() {
        for (String path : PROTECTED) {
            given().config(NO_REDIRECTS).get(path).then().statusCode(401);
        }
        // a browser opening a page is sent to the sign-in page instead
        given().config(NO_REDIRECTS).accept("text/html").get("/dashboard/").then().statusCode(302)
                .header("Location", containsString("/dashboard/sign-in.html"));
        given().config(NO_REDIRECTS).get("/dashboard/sign-in.html").then().statusCode(200)
                .body(containsString("mint-finance-token.sh"));
    }

    @Test
    void aTokenWithoutTheFinanceRoleIsRefused() {
        for (String path : PROTECTED) {
            given().config(NO_REDIRECTS).cookie(COOKIE, user).get(path).then().statusCode(403);
            given().config(NO_REDIRECTS).header("Authorization", "Bearer " + user).get(path).then().statusCode(403);
        }
        given().config(NO_REDIRECTS).cookie(COOKIE, user).get("/ledger/balances").then().statusCode(403);
        given().config(NO_REDIRECTS).formParam("token", user).post("/dashboard-api/sign-in").then().statusCode(403)
                .header("Set-Cookie", nullValue());
    }

    @Test
    void aBrowserWithoutTheFinanceRoleGetsAPageThatSaysSo() throws Exception {
        String browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        for (String page : List.of("/dashboard/", "/dashboard/index.html")) {
            given().config(NO_REDIRECTS).cookie(COOKIE, user).accept(browser).get(page).then().statusCode(403)
                    .contentType(startsWith("text/html")).header("Cache-Control", is("no-store"))
                    .body(containsString("You are signed in as <strong id=\"user\">finance-test</strong>"))
                    .body(containsString("does not carry the <code>finance</code> role"))
                    .body(containsString("mint-finance-token.sh --role finance"))
                    // token sign-in: the sign-out that drops the cookie
                    .body(containsString("<form method=\"post\" action=\"/dashboard-api/sign-out\">"))
                    .body(not(containsString("oidc-sign-out")));
        }
        // the name comes from the token: escaped, never markup
        String markup = Jwt.issuer(FinanceAuth.ISSUER).upn("<img src=x onerror=alert(1)>").groups("user")
                .expiresIn(600).sign(KeyUtils.readPrivateKey(KEY));
        given().config(NO_REDIRECTS).cookie(COOKIE, markup).accept(browser).get("/dashboard/").then().statusCode(403)
                .body(containsString("&lt;img src=x onerror=alert(1)&gt;")).body(not(containsString("<img")));
        // scripts, the page's own calls and the finance API keep their plain 403, whatever they accept
        given().config(NO_REDIRECTS).cookie(COOKIE, user).accept(browser).get("/dashboard/app.js").then()
                .statusCode(403).body(is(""));
        given().config(NO_REDIRECTS).cookie(COOKIE, user).accept("application/json").get("/dashboard/").then()
                .statusCode(403).body(is(""));
        given().config(NO_REDIRECTS).cookie(COOKIE, user).accept("application/json").get("/dashboard-api/settings")
                .then().statusCode(403).body(is(""));
        given().config(NO_REDIRECTS).cookie(COOKIE, user).accept(browser).get("/ledger/balances").then()
                .statusCode(403).body(is(""));
        given().config(NO_REDIRECTS).header("Authorization", "Bearer " + user).accept("application/json")
                .get("/ledger/charges").then().statusCode(403).body(is(""));
    }

    @Test
    void aBadOrExpiredTokenIsRefused() {
        String expired = FinanceAuth.token("finance", KEY, FinanceAuth.ISSUER, -600);
        String otherKey = FinanceAuth.token("finance", "jwt/other-private.pem", FinanceAuth.ISSUER, 3600);
        for (String token : List.of("not-a-jwt", expired, otherKey)) {
            given().config(NO_REDIRECTS).formParam("token", token).post("/dashboard-api/sign-in").then().statusCode(401)
                    .header("Set-Cookie", nullValue());
            given().config(NO_REDIRECTS).cookie(COOKIE, token).get("/dashboard/").then().statusCode(401);
            given().config(NO_REDIRECTS).cookie(COOKIE, token).get("/ledger/charges").then().statusCode(401);
        }
    }

    @Test
    void signInSetsAnHttpOnlyStrictCookieThatOpensPagesAndTheApi() {
        String setCookie = given().config(NO_REDIRECTS).formParam("token", "Bearer " + finance)
                .post("/dashboard-api/sign-in").then().statusCode(303)
                .header("Location", containsString("/dashboard/"))
                .extract().header("Set-Cookie");
        org.hamcrest.MatcherAssert.assertThat(setCookie, containsString(COOKIE + "=" + finance));
        org.hamcrest.MatcherAssert.assertThat(setCookie, containsString("HttpOnly"));
        org.hamcrest.MatcherAssert.assertThat(setCookie.toLowerCase(), containsString("samesite=strict"));

        given().cookie(COOKIE, finance).accept("text/html").get("/dashboard/").then().statusCode(200)
                .header("Cache-Control", is("no-store"))
                .body(containsString("/webjars/chart.js/4.5.1/dist/chart.umd.min.js"));
        given().cookie(COOKIE, finance).get("/dashboard/app.js").then().statusCode(200);
        given().cookie(COOKIE, finance).get("/ledger/balances").then().statusCode(200);
        given().cookie(COOKIE, finance).get("/dashboard-api/settings").then().statusCode(200)
                .body("user", is("finance-test")).body("tokenSignIn", is(true))
                .body("txUrlPattern", is("https://explorer.example/tx/{tx}?chain={chainId}"));
        // the bearer header keeps working for every other client
        given().header("Authorization", "Bearer " + finance).get("/ledger/charges?limit=1").then().statusCode(200);

        given().config(NO_REDIRECTS).post("/dashboard-api/sign-out").then().statusCode(303)
                .header("Set-Cookie", containsString(COOKIE + "=;"))
                .header("Set-Cookie", not(containsString(finance)));
    }

    @Test
    void chartJsIsServedFromTheWebJar() {
        given().get("/webjars/chart.js/4.5.1/dist/chart.umd.min.js").then().statusCode(200)
                .body(containsString("Chart.js v4.5.1"));
    }
}
