package io.lightmem.api.funqy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.ErrorKind;
import io.lightmem.LightMemException;
import io.lightmem.api.ApiError;
import io.lightmem.api.BearerChallenge;
import io.lightmem.api.funqy.FunctionCatalog.Function;
import io.lightmem.store.SchemaMigration;
import io.quarkus.funqy.runtime.ApplicationException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns every failure of a function call into a precise answer. Funqy fails the Vert.x route (with the
 * function's exception wrapped in {@link ApplicationException}, or with a bare status for input it
 * cannot read); this failure handler, installed on the function routes, answers:
 * <ul>
 * <li>plain HTTP: the status of the failure's kind with an RFC 9457 problem body;</li>
 * <li>CloudEvents: an {@value #ERROR_EVENT_TYPE} event carrying the problem, in the request's content
 * mode. Its HTTP status follows the Knative data-plane contract: only a 200 response's event is routed
 * on as a reply and only some statuses are retried, so a failure that retrying cannot fix answers 200
 * (the error event is the reply), an event that cannot be read 400 (not retried), a refused credential
 * 401/403 (not retried, not routed on), and a failure that may pass (busy, rate limited, unavailable,
 * internal) its own 429/503/500, which the broker retries with backoff.</li>
 * </ul>
 */
@Singleton
public class FunctionFailureHandler implements Handler<RoutingContext> {

    static final String ERROR_EVENT_TYPE = "io.lightmem.v1.error";
    /** Set on a routing context whose request was refused before Funqy read it: answered as unreadable (400). */
    static final String UNREADABLE = "lightmem.unreadable";
    /** ce-source of error events about an event no function handles. */
    static final String SERVICE_SOURCE = "/lightmem";

    private static final Logger LOG = Logger.getLogger(FunctionFailureHandler.class);

    private final FunctionCatalog catalog;
    private final SchemaMigration schema;
    private final BearerChallenge challenge;
    private final ObjectMapper json;
    /** Configured as Funqy configures its own copy, so a body fails here exactly as it failed there. */
    private final ObjectMapper funqyReader;

    public FunctionFailureHandler(FunctionCatalog catalog, BearerChallenge challenge, ObjectMapper json,
            SchemaMigration schema) {
        this.catalog = catalog;
        this.challenge = challenge;
        this.schema = schema;
        this.json = json;
        this.funqyReader = json.copy()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES, true);
    }

    @Override
    public void handle(RoutingContext context) {
        if (context.response().headWritten()) {
            context.next(); // too late for an answer of ours
            return;
        }
        try {
            if (CloudEventInfo.isCloudEvent(context.request())) {
                answerWithErrorEvent(context, CloudEventInfo.of(context, json));
            } else {
                answerWithProblem(context);
            }
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.error("cannot answer a failed function call", e);
            context.next();
        }
    }

    private void answerWithProblem(RoutingContext context) throws JsonProcessingException {
        String path = context.normalizedPath();
        Optional<Function> function = catalog.byName(path.substring(path.lastIndexOf('/') + 1));
        String operation = function.map(Function::name).orElse(null);
        Throwable failure = context.failure();
        Problem problem;
        Long retryAfter = null;
        if (failure != null) {
            ApiError error = ApiError.of(unwrap(failure));
            challenge.addHeaders(context, error);
            problem = Problems.of(error, operation);
            retryAfter = error.retryAfterSeconds();
        } else {
            problem = switch (context.statusCode()) {
                case 400 -> Problems.of(unreadableBody(function, context.body().buffer()), operation);
                case 404 -> Problems.noSuchFunction(path);
                // Funqy answers 406 to a media type it does not take; 415 is the status that means so.
                case 406 -> Problems.unsupportedMediaType(context.request().getHeader("Content-Type"), operation);
                default -> Problems.other(context.statusCode(), operation);
            };
        }
        LOG.debugf("%s %s: %d %s", context.request().method(), path, problem.status(), problem.detail());
        send(withRetryAfter(context.response().setStatusCode(problem.status()), retryAfter), Problem.MEDIA_TYPE,
                problem);
    }

    /** Retry-After (RFC 9110) on transient failures; Knative's delivery honours it too. */
    static HttpServerResponse withRetryAfter(HttpServerResponse response, Long seconds) {
        return seconds == null ? response : response.putHeader("Retry-After", seconds.toString());
    }

    /** Funqy dropped the parse error; reading the body again names the field. */
    private ApiError unreadableBody(Optional<Function> function, Buffer body) {
        if (function.isPresent() && function.get().inputType() != null && body != null) {
            try {
                funqyReader.readerFor(funqyReader.constructType(function.get().inputType())).readValue(body.getBytes());
            } catch (JsonProcessingException e) {
                return InputErrors.describe(e, "body");
            } catch (java.io.IOException e) {
                // not a JSON problem; the generic answer below
            }
        }
        return new ApiError(ErrorKind.INVALID_ARGUMENT, "body: cannot be read as the request", "body");
    }

    private void answerWithErrorEvent(RoutingContext context, CloudEventInfo event) throws JsonProcessingException {
        Optional<Function> function = catalog.byEventType(event.type());
        Throwable failure = context.failure();
        boolean unreadable = false;
        ApiError error;
        if (failure instanceof ApplicationException || failure instanceof io.quarkus.funqy.runtime.InternalError
                || failure instanceof LightMemException) {
            error = ApiError.of(unwrap(failure));
            unreadable = Boolean.TRUE.equals(context.get(UNREADABLE));
        } else if (!event.missing().isEmpty()) {
            unreadable = true;
            error = new ApiError(ErrorKind.INVALID_ARGUMENT, "event: not a CloudEvent, missing "
                    + String.join(", ", event.missing()), "event");
        } else if (failure != null) {
            // Funqy failed before calling the function: the event data is not the function's request.
            unreadable = true;
            error = unreadableData(event, failure, function);
        } else if (context.statusCode() == 404) {
            error = new ApiError(ErrorKind.INVALID_ARGUMENT, "type: no function handles event type '" + event.type()
                    + "'; the types are io.lightmem.v1.<Function>, e.g. io.lightmem.v1.AddMemory", "type");
        } else {
            error = new ApiError(ErrorKind.INTERNAL, "the event could not be dispatched (HTTP "
                    + context.statusCode() + ")", null);
        }
        Problem problem = Problems.of(error, function.map(Function::name).orElse(null))
                .withEvent(event.id(), event.source(), event.type());
        // A refused credential is no reply to route on: 401/403 go back to the sender (Knative does not
        // retry them, and hands the event to the dead-letter sink).
        boolean refused = error.kind() == ErrorKind.UNAUTHENTICATED || error.kind() == ErrorKind.PERMISSION_DENIED;
        int status = error.kind().retryable() || refused ? problem.status() : unreadable ? 400 : 200;
        challenge.addHeaders(context, error);
        LOG.debugf("event %s (%s): %d %s", event.id(), event.type(), status, problem.detail());

        String source = function.map(Function::responseSource).orElse(SERVICE_SOURCE);
        HttpServerResponse response = withRetryAfter(context.response().setStatusCode(status),
                error.kind().retryable() ? error.retryAfterSeconds() : null);
        String id = UUID.randomUUID().toString();
        String time = Instant.now().toString();
        if (event.structured()) {
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put("specversion", "1.0");
            envelope.put("id", id);
            envelope.put("source", source);
            envelope.put("type", ERROR_EVENT_TYPE);
            envelope.put("time", time);
            envelope.put("datacontenttype", Problem.MEDIA_TYPE);
            envelope.put("data", problem);
            send(response, CloudEventInfo.STRUCTURED_MEDIA_TYPE, envelope);
        } else {
            response.putHeader("ce-specversion", "1.0")
                    .putHeader("ce-id", id)
                    .putHeader("ce-source", source)
                    .putHeader("ce-type", ERROR_EVENT_TYPE)
                    .putHeader("ce-time", time);
            send(response, Problem.MEDIA_TYPE, problem);
        }
    }

    private static ApiError unreadableData(CloudEventInfo event, Throwable failure, Optional<Function> function) {
        LOG.debug("unreadable event data", failure);
        if (!event.hasData()) {
            return new ApiError(ErrorKind.INVALID_ARGUMENT, "data: required: a JSON object, the "
                    + function.map(Function::name).orElse("function's") + " request", "data");
        }
        if (!event.hasJsonData()) {
            return new ApiError(ErrorKind.INVALID_ARGUMENT, "data: must be JSON (datacontenttype application/json), "
                    + "got " + (event.contentType() == null ? "no content type" : "'" + event.contentType() + "'"),
                    "data");
        }
        JsonProcessingException json = InputErrors.jsonCause(failure);
        if (json != null) {
            return InputErrors.describe(json, "data");
        }
        return new ApiError(ErrorKind.INVALID_ARGUMENT, "data: cannot be read as the request", "data");
    }

    private Throwable unwrap(Throwable failure) {
        return schema.explain(failure instanceof ApplicationException && failure.getCause() != null
                ? failure.getCause() : failure);
    }

    private void send(HttpServerResponse response, String contentType, Object body) throws JsonProcessingException {
        response.putHeader("Content-Type", contentType).end(Buffer.buffer(json.writeValueAsBytes(body)));
    }
}
