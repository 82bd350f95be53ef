package io.mppgateway.contracts.testing;

/**
 * Where the local stack of deploy/local listens, for tests. deploy/local/lib.sh exports LANE_* variables (shifted by
 * {@code LANE}, so that several checkouts can test side by side); the defaults are lane 0's ports.
 */
public final class LocalStack {
    public static final String KAFKA = env("LANE_KAFKA", "127.0.0.1:9092");
    public static final String RPC = env("LANE_RPC_URL", "http://127.0.0.1:8545");
    public static final String STANDIN = env("LANE_STANDIN_URL", "http://127.0.0.1:8090");
    public static final int PG_PORT = Integer.parseInt(env("LANE_PG_PORT", "5432"));

    private LocalStack() {
    }

    /** A JDBC URL of one of the local databases (payments_test, ledger_test, …). */
    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + PG_PORT + "/" + database;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
