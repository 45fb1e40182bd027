package io.lightmem.api.funqy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.ErrorKind;
import io.lightmem.InvalidArgumentException;
import io.lightmem.api.Admission;
import io.lightmem.api.ApiError;
import io.lightmem.api.StrictUtf8;
import io.lightmem.api.funqy.FunctionCatalog.Function;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * Installs, on the paths Funqy serves ("/" and "/&lt;Function&gt;"), the failure handler and a guard
 * that admits only POST: most functions change state (GET /DeleteMemories must not erase a user), and
 * the Knative sink contract asks for 405 on other methods. OPTIONS answers which method is allowed.
 * The guard also makes each call wait for its turn ({@link Admission}) before Funqy runs it.
 */
@Singleton
public class FunctionRoutes {

    /** Before Funqy's routes (which take the router's default orders, from 0 up), after the body handler. */
    static final int GUARD_ORDER = -1;

    private static final Logger LOG = Logger.getLogger(FunctionRoutes.class);

    private final FunctionCatalog catalog;
    private final FunctionFailureHandler failures;
    private final ObjectMapper json;
    private final Admission admission;

    public FunctionRoutes(FunctionCatalog catalog, FunctionFailureHandler failures, ObjectMapper json,
            Admission admission) {
        this.catalog = catalog;
        this.admission = admission;
        this.failures = failures;
        this.json = json;
    }

    void install(@Observes Router router) {
        install(router, "/", null);
        for (Function function : catalog.all()) {
            install(router, "/" + function.name(), function);
        }
        // A POST to "/<name>" that no route took: a function that does not exist.
        router.routeWithRegex(HttpMethod.POST, "/[^/]+").order(RouteConstants.ROUTE_ORDER_AFTER_DEFAULT)
                .handler(context -> answer(context, Problems.noSuchFunction(context.normalizedPath())));
        LOG.debugf("function routes: %d functions", catalog.all().size());
    }

    private void install(Router router, String path, Function function) {
        router.route(path).order(GUARD_ORDER).handler(context -> guard(context, function));
        router.route(path).failureHandler(failures);
    }

    private void guard(RoutingContext context, Function function) {
        String operation = function == null ? null : function.name();
        HttpMethod method = context.request().method();
        if (!HttpMethod.POST.equals(method)) {
            context.response().putHeader("Allow", "POST");
            if (HttpMethod.OPTIONS.equals(method)) {
                context.response().setStatusCode(204).end();
            } else {
                answer(context, Problems.methodNotAllowed(method.name(), operation));
            }
            return;
        }
        if (function != null && !hasBody(context) && !CloudEventInfo.isCloudEvent(context.request())) {
            // Funqy 3.34 fails with an internal error on an empty POST body (quarkus#53683).
            answer(context, Problems.of(new ApiError(ErrorKind.INVALID_ARGUMENT, "body: required: a JSON object, the "
                    + operation + " request ({} when it has no fields)", "body"), operation));
            return;
        }
        if (hasBody(context)) {
            byte[] body = context.body().buffer().getBytes();
            int malformed = StrictUtf8.malformedAt(body);
            if (malformed >= 0) {
                String field = StrictUtf8.fieldAt(body, malformed, json, "body");
                context.put(FunctionFailureHandler.UNREADABLE, true);
                context.fail(400, new InvalidArgumentException(field, "is not valid UTF-8 (byte " + malformed
                        + " of the body): send text as well-formed UTF-8"));
                return;
            }
        }
        Base64EventData.inline(context, json);
        admitted(context);
    }

    /**
     * Passes the call on to Funqy once it has a turn (load shedding, {@link Admission}); waits for the
     * turn without holding a thread. The turn goes back when the response ends or the client leaves.
     */
    private void admitted(RoutingContext context) {
        CompletableFuture<Admission.Permit> turn = admission.enter();
        context.addEndHandler(ended -> {
            turn.cancel(false);
            turn.thenAccept(Admission.Permit::close);
        });
        if (turn.isDone() && !turn.isCompletedExceptionally()) {
            context.next();
            return;
        }
        Context vertxContext = Vertx.currentContext();
        turn.whenComplete((permit, failure) -> vertxContext.runOnContext(ignored -> {
            if (context.response().ended() || context.response().closed()) {
                return;
            }
            if (failure == null) {
                context.next();
            } else if (!(failure instanceof CancellationException)) {
                context.fail(failure instanceof CompletionException ? failure.getCause() : failure);
            }
        }));
    }

    private static boolean hasBody(RoutingContext context) {
        Buffer body = context.body().buffer();
        return body != null && body.length() > 0;
    }

    private void answer(RoutingContext context, Problem problem) {
        answer(context, problem, json);
    }

    /** Ends the request with the problem as its body and status; shared with the other plain routes. */
    static void answer(RoutingContext context, Problem problem, ObjectMapper json) {
        try {
            context.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(Buffer.buffer(json.writeValueAsBytes(problem)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            context.fail(problem.status(), e);
        }
    }
}
