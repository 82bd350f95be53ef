package io.mppgateway.paywall.http;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.discovery.DiscoveryDocuments;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.route.PaidRoute;
import io.mppgateway.paywall.route.RouteTable;
import io.mppgateway.paywall.route.SoldPath;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/**
 * Serves a provider's route table: every sold path of every declared route becomes a Vert.x route (ahead of any
 * REST resource) whose body is read up to the route's limit (413 in the provider's error shape above it, before
 * any payment) and handed to {@link PaidCallHandler}; plus the free discovery documents derived from the same
 * table, {@code /openapi.json} and {@code /llms.txt}.
 */
@ApplicationScoped
public class PaidRouter {
    /** Before Quarkus REST, after Quarkus' own handlers (body, CORS, compression). */
    static final int ORDER = RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT;
    private static final String FIVE_MINUTES = "public, max-age=300";

    private final Instance<RouteTable> tables;
    private final PaidCallHandler handler;
    private final DiscoveryDocuments discovery;
    private final PaywallConfig config;
    private final Answers answers;

    public PaidRouter(Instance<RouteTable> tables, PaidCallHandler handler, DiscoveryDocuments discovery,
            PaywallConfig config, ObjectMapper mapper) {
        this.tables = tables;
        this.handler = handler;
        this.discovery = discovery;
        this.config = config;
        this.answers = new Answers(mapper);
    }

    void register(@Observes Router router) {
        if (tables.isUnsatisfied()) {
            return; // a service that sells nothing
        }
        RouteTable table = tables.get();
        Set<String> seen = new HashSet<>();
        for (PaidRoute route : table.routes()) {
            long limit = route.maxBodyBytes().orElse(config.maxBodyBytes());
            for (SoldPath sold : route.paths()) {
                if (!seen.add(sold.method() + " " + sold.path())) {
                    throw new IllegalStateException(sold.method() + " " + sold.path() + " is declared twice");
                }
                router.route(HttpMethod.valueOf(sold.method()), vertxPath(sold.path())).order(ORDER)
                        .handler(BodyHandler.create(false).setBodyLimit(limit))
                        .handler(ctx -> handler.handle(table, route, sold, ctx))
                        .failureHandler(ctx -> {
                            if (ctx.statusCode() == 413) {
                                String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                                answers.refused(ctx.response(), table.errors(),
                                        InvalidRequestException.tooLarge(length, limit));
                            } else {
                                ctx.next();
                            }
                        });
            }
        }
        router.route(HttpMethod.GET, "/openapi.json").order(ORDER).handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, FIVE_MINUTES)
                .end(discovery.openApiJson()));
        router.route(HttpMethod.GET, "/llms.txt").order(ORDER).handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain;charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, FIVE_MINUTES)
                .end(discovery.llmsTxt()));
        Log.infof("%d paid routes on %d paths", table.routes().size(), seen.size());
    }

    /** {@code /v1/models/{model_id}} → {@code /v1/models/:model_id}. */
    static String vertxPath(String path) {
        return path.replaceAll("\\{([A-Za-z0-9_]+)}", ":$1");
    }
}
