package io.mppgateway.ledger.dashboard;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.ledger.ingest.messaging.LedgerEventConsumer;
import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.Ingest;
import io.mppgateway.ledger.support.TestEvents;
import io.mppgateway.ledger.support.TestEvents.Settled;
import io.mppgateway.ledger.support.TestIdentityProvider;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The production sign-in of the dashboard: the OpenID Connect authorization-code flow, configured only through the
 * LEDGER_OIDC_* variables production sets (TestIdentityProvider#start), against a provider that checks the client,
 * its secret and the registered redirect_uri. TLS ends at the ingress in production, so the app is told https
 * (LEDGER_OIDC_FORCE_HTTPS at its default); this test plays the ingress by sending the browser's https URLs of the
 * app to its plain HTTP port. A browser without the finance role gets the 403 page; the finance API behaves with
 * the session as with a bearer token.
 */
@QuarkusTest
@TestProfile(OidcCodeFlowTest.OidcSignIn.class)
class OidcCodeFlowTest {
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What production sets, and the provider to sign in with (its variables come from the resource). */
    public static class OidcSignIn implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TestIdentityProvider.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            // this test needs no broker: its data is booked directly
            return Map.of("mp.messaging.incoming.payments-settled.enabled", "false",
                    "mp.messaging.incoming.usage-recorded.enabled", "false",
                    "mp.messaging.incoming.payments-refunded.enabled", "false");
        }
    }

    @TestHTTPResource("/")
    URI app;

    @Inject
    LedgerEventConsumer consumer;

    @Test
    void aFinanceUserSignsInAtTheProviderAndSeesTheOverviewData() throws Exception {
        // a charge on a day of its own, delivered: the overview of that day shows its revenue
        LocalDate day = LocalDate.parse("1985-01-01").plusDays(Math.floorMod(System.nanoTime(), 3000));
        Instant at = day.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600);
        Settled charge = TestEvents.settled().with("amount", 123_456L).with("settledAt", at);
        Ingest.book(consumer, charge, TestEvents.usage(charge, "FULFILLED").with("delivered", true)
                .with("recordedAt", at.plusSeconds(5)));

        Browser browser = new Browser();
        HttpResponse<String> page = browser.signIn("/dashboard/index.html", "alice");
        // back on the page asked for, signed in
        assertEquals(200, page.statusCode(), page.body());
        assertThat(page.headers().firstValue("Cache-Control").orElse(""), is("no-store"));
        assertThat(page.body(), containsString("/webjars/chart.js/4.5.1/dist/chart.umd.min.js"));
        assertEquals(200, browser.get("/dashboard/app.js", "*/*").statusCode());

        // what the page asks once loaded: who signed in (OIDC: the provider's sign-out), then the overview's reports
        JsonNode settings = browser.json("/dashboard-api/settings", 200);
        assertEquals("alice", settings.get("user").asText());
        assertFalse(settings.get("tokenSignIn").asBoolean());
        JsonNode report = browser.json("/ledger/reports?from=" + day + "&to=" + day.plusDays(1) + "&groupBy=day", 200);
        assertEquals(123_456L, report.get("total").get("revenue").asLong(), report.toString());
        assertEquals(1, report.get("total").get("fulfilledCalls").asLong(), report.toString());
        JsonNode charges = browser.json("/ledger/charges?from=" + at + "&to=" + at.plusSeconds(1), 200);
        assertEquals(charge.challengeId(), charges.get("items").get(0).get("challengeId").asText());

        // sign-out ends the session here and at the provider, then comes back to the dashboard
        HttpResponse<String> out = browser.get("/dashboard-api/oidc-sign-out", BROWSER_ACCEPT);
        assertEquals(302, out.statusCode());
        String endSession = out.headers().firstValue("Location").orElseThrow();
        assertThat(endSession, startsWith(TestIdentityProvider.issuer() + "/protocol/openid-connect/logout?"));
        assertEquals(httpsApp("/dashboard/"), query(endSession).get("post_logout_redirect_uri"));
        assertNotNull(query(endSession).get("id_token_hint"));
        assertFalse(browser.hasSession(), "the session cookie is dropped");
        HttpResponse<String> again = browser.get("/dashboard/", BROWSER_ACCEPT);
        assertEquals(302, again.statusCode());
        assertThat(again.headers().firstValue("Location").orElse(""), startsWith(TestIdentityProvider.issuer()));
    }

    @Test
    void theRedirectToTheProviderNamesTheClientItsOneCallbackAndTheScope() throws Exception {
        Browser browser = new Browser();
        for (String path : List.of("/dashboard/", "/dashboard/index.html")) {
            HttpResponse<String> r = browser.get(path, BROWSER_ACCEPT);
            assertEquals(302, r.statusCode(), path);
            String location = r.headers().firstValue("Location").orElseThrow();
            assertThat(location, startsWith(TestIdentityProvider.issuer() + "/protocol/openid-connect/auth?"));
            Map<String, String> q = query(location);
            assertEquals("code", q.get("response_type"));
            assertEquals(TestIdentityProvider.CLIENT_ID, q.get("client_id"));
            // one redirect_uri for every page (what the provider registers), https although TLS ends at the ingress
            assertEquals(httpsApp("/dashboard/"), q.get("redirect_uri"));
            assertEquals("openid", q.get("scope"));
            assertThat(q.get("state"), not(emptyString()));
            // the state cookie: Secure and HttpOnly
            String state = browser.lastSetCookie(r, "q_auth");
            assertThat(state, containsString("HTTPOnly"));
            assertThat(state, containsString("Secure"));
        }
    }

    @Test
    void aSignedInUserWithoutTheRoleGetsThe403PageAndTheApiRefuses() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.signIn("/dashboard/", "bob");
        assertEquals(403, page.statusCode(), page.body());
        assertThat(page.headers().firstValue("Content-Type").orElse(""), startsWith("text/html"));
        assertThat(page.body(), containsString("You are signed in as <strong id=\"user\">bob</strong>"));
        assertThat(page.body(), containsString("does not carry the <code>finance</code> role"));
        assertThat(page.body(), containsString("identity provider"));
        assertThat(page.body(), containsString("href=\"/dashboard-api/oidc-sign-out\""));

        // the JSON API and the page's own calls: their plain 403, no page
        for (String path : List.of("/ledger/balances", "/dashboard-api/settings")) {
            HttpResponse<String> api = browser.get(path, "application/json");
            assertEquals(403, api.statusCode(), path);
            assertEquals("", api.body(), path);
        }
        HttpResponse<String> script = browser.get("/dashboard/app.js", "*/*");
        assertEquals(403, script.statusCode());
        assertEquals("", script.body());
    }

    @Test
    void theApiKeepsItsBearerTokensAndTheTokenSignInIsOff() throws Exception {
        Browser browser = new Browser();
        String finance = FinanceAuth.token("finance", "jwt/test-private.pem", FinanceAuth.ISSUER, 3600);
        HttpResponse<String> ok = browser.send(HttpRequest.newBuilder(app.resolve("/ledger/balances"))
                .header("Accept", "application/json").header("Authorization", "Bearer " + finance).GET());
        assertEquals(200, ok.statusCode(), ok.body());
        String user = FinanceAuth.token("user", "jwt/test-private.pem", FinanceAuth.ISSUER, 3600);
        HttpResponse<String> forbidden = browser.send(HttpRequest.newBuilder(app.resolve("/ledger/balances"))
                .header("Accept", "application/json").header("Authorization", "Bearer " + user).GET());
        assertEquals(403, forbidden.statusCode());
        // an API client without a credential: 401 as documented, not the provider's login page
        HttpResponse<String> none = browser.get("/ledger/balances", "application/json");
        assertEquals(401, none.statusCode(), none.headers().map().toString());
        // a session that no longer opens (expired, or not ours): the provider again, which the page's calls do not
        // follow (app.js reloads the page instead)
        HttpResponse<String> stale = browser.send(HttpRequest.newBuilder(app.resolve("/ledger/balances"))
                .header("Accept", "application/json").header("Cookie", "q_session=not-a-session").GET());
        assertEquals(302, stale.statusCode(), stale.body());
        assertThat(stale.headers().firstValue("Location").orElse(""), startsWith(TestIdentityProvider.issuer()));
        // LEDGER_DASHBOARD_TOKEN_SIGN_IN=false
        HttpResponse<String> signIn = browser.send(HttpRequest.newBuilder(app.resolve("/dashboard-api/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + finance)));
        assertEquals(404, signIn.statusCode());
    }

    /** The app's URL as the browser sees it behind the TLS-terminating ingress. */
    private String httpsApp(String path) {
        return "https://" + app.getAuthority() + path;
    }

    private static Map<String, String> query(String url) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = URI.create(url).getRawQuery();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    /**
     * A browser that follows nothing by itself, so every hop is checked, and keeps cookies by name (app and provider
     * apart). https URLs of the app go to its HTTP port, as the ingress would forward them.
     */
    private final class Browser {
        private static final Pattern FORM_ACTION = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\">");
        private static final Pattern HIDDEN = Pattern.compile(
                "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final Map<String, String> appCookies = new LinkedHashMap<>();
        private final Map<String, String> idpCookies = new LinkedHashMap<>();

        /** Opens {@code path}, signs in at the provider as {@code user}, and returns the page it ends on. */
        HttpResponse<String> signIn(String path, String user) throws Exception {
            HttpResponse<String> r = get(path, BROWSER_ACCEPT);
            assertEquals(302, r.statusCode(), "not sent to the provider: " + r.body());
            HttpResponse<String> login = get(r.headers().firstValue("Location").orElseThrow(), BROWSER_ACCEPT);
            assertEquals(200, login.statusCode(), login.body());
            Matcher action = FORM_ACTION.matcher(login.body());
            assertTrue(action.find(), login.body());
            StringBuilder form = new StringBuilder("username=" + user + "&password=" + user + "-password");
            Matcher hidden = HIDDEN.matcher(login.body());
            while (hidden.find()) {
                form.append('&').append(hidden.group(1)).append('=')
                        .append(URLEncoder.encode(hidden.group(2).replace("&amp;", "&").replace("&quot;", "\""),
                                StandardCharsets.UTF_8));
            }
            URI loginUri = URI.create(TestIdentityProvider.issuer()).resolve(action.group(1));
            r = send(HttpRequest.newBuilder(loginUri).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())));
            // back to the registered callback with a code; the app redeems it and restores the page asked for
            assertEquals(302, r.statusCode(), r.body());
            String callback = r.headers().firstValue("Location").orElseThrow();
            assertThat(callback, startsWith(httpsApp("/dashboard/?code=")));
            r = get(callback, BROWSER_ACCEPT);
            assertEquals(302, r.statusCode(), "code not redeemed: " + r.body());
            String session = lastSetCookie(r, "q_session");
            assertThat(session, containsString("HTTPOnly"));
            assertThat(session, containsString("Secure"));
            assertThat(session.toLowerCase(), containsString("samesite=lax"));
            String restored = r.headers().firstValue("Location").orElseThrow();
            assertEquals(httpsApp(path), restored);
            return get(restored, BROWSER_ACCEPT);
        }

        HttpResponse<String> get(String pathOrUrl, String accept) throws Exception {
            URI uri = pathOrUrl.startsWith("/") ? app.resolve(pathOrUrl) : URI.create(pathOrUrl);
            return send(HttpRequest.newBuilder(uri).header("Accept", accept).GET());
        }

        JsonNode json(String path, int status) throws Exception {
            HttpResponse<String> r = get(path, "application/json");
            assertEquals(status, r.statusCode(), path + ": " + r.body());
            return JSON.readTree(r.body());
        }

        HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            HttpRequest built = request.build();
            URI uri = built.uri();
            boolean toApp = uri.getPort() == app.getPort();
            if (toApp && "https".equals(uri.getScheme())) {
                uri = URI.create("http://" + built.uri().getRawAuthority() + built.uri().getRawPath()
                        + (built.uri().getRawQuery() == null ? "" : "?" + built.uri().getRawQuery()));
            }
            Map<String, String> jar = toApp ? appCookies : idpCookies;
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .method(built.method(), built.bodyPublisher().orElse(HttpRequest.BodyPublishers.noBody()));
            built.headers().map().forEach((k, vs) -> vs.forEach(v -> b.header(k, v)));
            if (!jar.isEmpty()) {
                b.header("Cookie", String.join("; ", jar.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).toList()));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            for (String setCookie : r.headers().allValues("Set-Cookie")) {
                String pair = setCookie.split(";", 2)[0];
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty() || setCookie.toLowerCase().contains("max-age=0")) {
                    jar.remove(name);
                } else {
                    jar.put(name, value);
                }
            }
            return r;
        }

        String lastSetCookie(HttpResponse<String> r, String prefix) {
            return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(prefix))
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + prefix + " cookie: "
                            + r.headers().allValues("Set-Cookie")));
        }

        boolean hasSession() {
            return appCookies.keySet().stream().anyMatch(n -> n.startsWith("q_session"));
        }
    }
}
