package io.lightmem.api.funqy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.UnavailableException;
import io.lightmem.api.ApiError;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * HTTP graceful shutdown, like {@link io.lightmem.api.grpc.GrpcDrain}: from the first sign of a
 * shutdown (SIGTERM), every new HTTP call (functions, CloudEvents, MCP) is answered 503 with
 * Retry-After before it runs (a CloudEvent with an error event, which the broker redelivers), and the
 * connection is closed after the answer; calls already running finish with their response, as
 * Quarkus's own drain waits for them (quarkus.shutdown.timeout). Without this, Quarkus would still
 * run calls arriving during its drain and could close their connections before they answered.
 * Health and metrics (/q/*) stay served: readiness reports DOWN while draining.
 */
@Singleton
public class HttpDrain {

    /** Ahead of every application route, the role guard included. */
    static final int ORDER = -20;
    static final String SHUTTING_DOWN = "this instance is shutting down; retry the call";

    private final FunctionCatalog catalog;
    private final ObjectMapper json;
    private volatile boolean draining;

    public HttpDrain(FunctionCatalog catalog, ObjectMapper json) {
        this.catalog = catalog;
        this.json = json;
    }

    /** Announced at the start of Quarkus's shutdown, before its HTTP drain (quarkus.shutdown.delay-enabled). */
    void refuseNewCalls(@Observes ShutdownDelayInitiatedEvent event) {
        draining = true;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        String path = context.normalizedPath();
        if (!draining || path.startsWith("/q/")) {
            context.next();
            return;
        }
        if (context.request().version() == HttpVersion.HTTP_1_1) {
            context.response().putHeader("Connection", "close");
        }
        UnavailableException refusal = new UnavailableException(SHUTTING_DOWN, null);
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (path.equals("/") || catalog.byName(name).isPresent()) {
            context.fail(refusal); // the functions' failure handler answers: problem or error event
            return;
        }
        ApiError error = ApiError.of(refusal);
        try {
            FunctionFailureHandler.withRetryAfter(context.response().setStatusCode(503), error.retryAfterSeconds())
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(Buffer.buffer(json.writeValueAsBytes(Problems.of(error, null))));
        } catch (JsonProcessingException e) {
            context.fail(503, e);
        }
    }
}
