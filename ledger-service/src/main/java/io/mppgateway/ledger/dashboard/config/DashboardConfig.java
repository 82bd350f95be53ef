package io.mppgateway.ledger.dashboard.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The finance dashboard served under /dashboard/ (README: Dashboard). */
@ConfigMapping(prefix = "ledger.dashboard")
public interface DashboardConfig {

    /**
     * Link to a transaction on a chain explorer; {@code {tx}} is replaced by the tx hash, {@code {chainId}} by the
     * charge's chain id. Absent: tx hashes are shown without a link.
     */
    Optional<String> txUrlPattern();

    /**
     * Token sign-in: a finance JWT (what {@code deploy/local/mint-finance-token.sh} prints) pasted on
     * /dashboard/sign-in.html becomes an HttpOnly cookie the finance API reads. For local development; production
     * signs in through OpenID Connect (quarkus.oidc.*) and turns this off.
     */
    @WithDefault("true")
    boolean tokenSignIn();

    /** Name of the cookie that carries the signed-in token (the same name as {@code mp.jwt.token.cookie}). */
    @WithDefault("ledger_finance")
    String cookieName();
}
