package io.mppgateway.ledger.support;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;

/**
 * A small OpenID Connect provider for tests of the dashboard's authorization-code flow (no Docker, no Keycloak):
 * discovery, JWKS, an authorization endpoint with a login form, the token endpoint (confidential client, code bound
 * to its redirect_uri, single use) and RP-initiated logout. It checks what a real provider checks, so a wrong
 * client id, secret or redirect_uri fails the flow. Tokens are RS256 with a key pair made at start; the user's
 * roles are in the {@code groups} claim of the access token and the ID token.
 * <p>
 * As a Quarkus test resource it sets the LEDGER_OIDC_* variables that production sets (see the ledger README).
 */
public class TestIdentityProvider implements QuarkusTestResourceLifecycleManager {
    public static final String REALM = "/realms/finance";
    public static final String CLIENT_ID = "ledger-dashboard";
    public static final String CLIENT_SECRET = "dashboard-client-secret-of-at-least-32-chars";
    /** The only redirect_uri path the client is registered with (any host: the test port is random). */
    public static final String REGISTERED_REDIRECT_PATH = "/dashboard/";
    /** user → groups; the password is the user name followed by "-password". */
    public static final Map<String, List<String>> USERS = Map.of(
            "alice", List.of("finance"),
            "bob", List.of("sales"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KID = "test-idp-key";

    private static volatile String baseUrl;

    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private HttpServer server;
    private KeyPair keys;

    /** What the provider remembers about an issued code until it is redeemed (once). */
    private record Grant(String user, String clientId, String redirectUri, String nonce) {
    }

    /** The issuer, e.g. http://127.0.0.1:41234/realms/finance (the provider is running). */
    public static String issuer() {
        return baseUrl + REALM;
    }

    @Override
    public Map<String, String> start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        server.createContext(REALM, this::handle);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("LEDGER_OIDC_ENABLED", "true",
                "LEDGER_OIDC_AUTH_SERVER_URL", issuer(),
                "LEDGER_OIDC_CLIENT_ID", CLIENT_ID,
                "LEDGER_OIDC_CLIENT_SECRET", CLIENT_SECRET,
                "LEDGER_OIDC_ROLE_SOURCE", "accesstoken",
                "LEDGER_OIDC_ROLE_CLAIM", "groups",
                "LEDGER_DASHBOARD_TOKEN_SIGN_IN", "false");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(REALM.length());
            switch (path) {
                case "/.well-known/openid-configuration" -> json(exchange, 200, discovery());
                case "/protocol/openid-connect/certs" -> json(exchange, 200, jwks());
                case "/protocol/openid-connect/auth" -> authorize(exchange);
                case "/login" -> login(exchange);
                case "/protocol/openid-connect/token" -> token(exchange);
                case "/protocol/openid-connect/logout" -> logout(exchange);
                default -> send(exchange, 404, "text/plain", "not found");
            }
        } catch (RuntimeException e) {
            send(exchange, 500, "text/plain", String.valueOf(e));
        }
    }

    private Map<String, Object> discovery() {
        String base = issuer() + "/protocol/openid-connect";
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("issuer", issuer());
        d.put("authorization_endpoint", base + "/auth");
        d.put("token_endpoint", base + "/token");
        d.put("jwks_uri", base + "/certs");
        d.put("end_session_endpoint", base + "/logout");
        d.put("response_types_supported", List.of("code"));
        d.put("subject_types_supported", List.of("public"));
        d.put("id_token_signing_alg_values_supported", List.of("RS256"));
        d.put("scopes_supported", List.of("openid", "profile", "email"));
        d.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        return d;
    }

    private Map<String, Object> jwks() {
        RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
        return Map.of("keys", List.of(Map.of("kty", "RSA", "kid", KID, "use", "sig", "alg", "RS256",
                "n", base64Url(pub.getModulus()), "e", base64Url(pub.getPublicExponent()))));
    }

    /** The login page, after checking the request as a provider does (client, registered redirect_uri, scope). */
    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> q = parse(exchange.getRequestURI().getRawQuery());
        String error = !"code".equals(q.get("response_type")) ? "unsupported response_type"
                : !CLIENT_ID.equals(q.get("client_id")) ? "unknown client_id"
                : !registered(q.get("redirect_uri")) ? "redirect_uri not registered for the client"
                : !Set.of(q.getOrDefault("scope", "").split(" ")).contains("openid") ? "scope without openid"
                : q.get("state") == null ? "no state" : null;
        if (error != null) {
            send(exchange, 400, "text/plain", error);
            return;
        }
        StringBuilder html = new StringBuilder("<!doctype html><title>Sign in</title><form method=\"post\" action=\"")
                .append(REALM).append("/login\">");
        for (String field : List.of("client_id", "redirect_uri", "state", "nonce")) {
            if (q.containsKey(field)) {
                html.append("<input type=\"hidden\" name=\"").append(field).append("\" value=\"")
                        .append(q.get(field).replace("&", "&amp;").replace("\"", "&quot;")).append("\">");
            }
        }
        html.append("<input name=\"username\"><input name=\"password\" type=\"password\"><button>Sign in</button>")
                .append("</form>");
        send(exchange, 200, "text/html", html.toString());
    }

    private void login(HttpExchange exchange) throws IOException {
        Map<String, String> f = form(exchange);
        String user = f.get("username");
        if (user == null || !USERS.containsKey(user) || !(user + "-password").equals(f.get("password"))) {
            send(exchange, 401, "text/html", "<p>Invalid user name or password.</p>");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(user, f.get("client_id"), f.get("redirect_uri"), f.get("nonce")));
        String redirect = f.get("redirect_uri");
        redirect += (redirect.contains("?") ? "&" : "?") + "code=" + enc(code) + "&state=" + enc(f.get("state"));
        exchange.getResponseHeaders().add("Location", redirect);
        send(exchange, 302, "text/plain", "");
    }

    /** authorization_code grant of a confidential client (client_secret_basic or client_secret_post). */
    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> f = form(exchange);
        String clientId = f.get("client_id");
        String secret = f.get("client_secret");
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8)
                    .split(":", 2);
            clientId = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            secret = URLDecoder.decode(pair[1], StandardCharsets.UTF_8);
        }
        if (!CLIENT_ID.equals(clientId) || !CLIENT_SECRET.equals(secret)) {
            json(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        Grant grant = f.get("code") == null ? null : codes.remove(f.get("code"));
        if (!"authorization_code".equals(f.get("grant_type")) || grant == null || !grant.clientId().equals(clientId)
                || !grant.redirectUri().equals(f.get("redirect_uri"))) {
            json(exchange, 400, Map.of("error", "invalid_grant"));
            return;
        }
        long now = Instant.now().getEpochSecond();
        List<String> groups = USERS.get(grant.user());
        var id = Jwt.issuer(issuer()).subject("sub-" + grant.user()).audience(CLIENT_ID)
                .claim("preferred_username", grant.user()).claim("groups", groups)
                .issuedAt(now).expiresAt(now + 300);
        if (grant.nonce() != null) {
            id.claim("nonce", grant.nonce());
        }
        String access = Jwt.issuer(issuer()).subject("sub-" + grant.user()).audience("ledger")
                .claim("preferred_username", grant.user()).claim("groups", groups).claim("azp", CLIENT_ID)
                .issuedAt(now).expiresAt(now + 300).jws().keyId(KID).sign(keys.getPrivate());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", access);
        body.put("token_type", "Bearer");
        body.put("expires_in", 300);
        body.put("id_token", id.jws().keyId(KID).sign(keys.getPrivate()));
        body.put("scope", "openid profile");
        json(exchange, 200, body);
    }

    /** RP-initiated logout: back to the registered post-logout page. */
    private void logout(HttpExchange exchange) throws IOException {
        Map<String, String> q = parse(exchange.getRequestURI().getRawQuery());
        String back = q.get("post_logout_redirect_uri");
        if (back == null) {
            send(exchange, 200, "text/plain", "signed out");
            return;
        }
        if (q.containsKey("state")) {
            back += (back.contains("?") ? "&" : "?") + "state=" + enc(q.get("state"));
        }
        exchange.getResponseHeaders().add("Location", back);
        send(exchange, 302, "text/plain", "");
    }

    private static boolean registered(String redirectUri) {
        if (redirectUri == null) {
            return false;
        }
        URI uri = URI.create(redirectUri);
        return uri.getRawQuery() == null && REGISTERED_REDIRECT_PATH.equals(uri.getPath());
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Map<String, String> parse(String encoded) {
        Map<String, String> m = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return m;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            m.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String base64Url(BigInteger n) {
        byte[] b = n.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = java.util.Arrays.copyOfRange(b, 1, b.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }
}
