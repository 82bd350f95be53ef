package io.mppgateway.contracts.db;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * One setting names a service's database (payment-service's {@code PAYMENTS_DB_URL}, ledger-service's
 * {@code LEDGER_DB_URL}): a JDBC URL, which Flyway uses for the migrations. The reactive client, which serves every
 * request and consumer, connects to the same database: unless {@code quarkus.datasource.reactive.url} is set
 * explicitly, it is derived here from the JDBC URL ({@code jdbc:postgresql://h:p/db?currentSchema=s} becomes
 * {@code postgresql://h:p/db?search_path=s}), so the two can never point at different databases. Registered for every
 * service that depends on this module (META-INF/services); without a datasource it derives nothing.
 */
@Priority(Priorities.APPLICATION + 100)
public class ReactiveUrlFromJdbcUrl implements ConfigSourceInterceptor {
    static final String REACTIVE_URL = "quarkus.datasource.reactive.url";
    static final String JDBC_URL = "quarkus.datasource.jdbc.url";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!REACTIVE_URL.equals(name) || value != null && value.getValue() != null) {
            return value;
        }
        ConfigValue jdbc = context.proceed(JDBC_URL);
        if (jdbc == null || jdbc.getValue() == null || !jdbc.getValue().startsWith("jdbc:postgresql:")) {
            return value;
        }
        return ConfigValue.builder().withName(name).withValue(reactive(jdbc.getValue()))
                .withConfigSourceName("derived from " + JDBC_URL).build();
    }

    /** The reactive client's URI for a PostgreSQL JDBC URL. */
    static String reactive(String jdbcUrl) {
        String url = jdbcUrl.substring("jdbc:".length());
        int query = url.indexOf('?');
        if (query < 0) {
            return url;
        }
        StringBuilder out = new StringBuilder(url.substring(0, query));
        char sep = '?';
        for (String param : url.substring(query + 1).split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            // the JDBC driver's currentSchema is PostgreSQL's search_path startup parameter
            String p = param.startsWith("currentSchema=") ? "search_path=" + param.substring("currentSchema=".length())
                    : param;
            out.append(sep).append(p);
            sep = '&';
        }
        return out.toString();
    }
}
