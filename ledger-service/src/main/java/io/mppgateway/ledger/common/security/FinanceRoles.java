package io.mppgateway.ledger.common.security;

/** The role a bearer JWT must carry (in its {@code groups} claim) to read the finance API. */
public final class FinanceRoles {
    public static final String FINANCE = "finance";

    private FinanceRoles() {
    }
}
