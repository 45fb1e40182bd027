package io.lightmem.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.ErrorKind;
import io.lightmem.RateLimitedException;
import io.lightmem.api.ApiError;
import io.lightmem.api.BearerChallenge;
import io.lightmem.api.funqy.CloudEventInfo;
import io.lightmem.api.funqy.Problem;
import io.lightmem.api.funqy.Problems;
import io.lightmem.auth.AuthConfig;
import io.lightmem.auth.Authenticator;
import io.lightmem.auth.Caller;
import io.lightmem.auth.CurrentCaller;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gate of the HTTP port: every request but health, metrics and the protected-resource metadata
 * needs a credential the service accepts (functions, CloudEvents and MCP alike), checked before any of
 * it runs. MCP requests are first held to what a browser must not be able to send: a present Origin
 * not on lightmem.auth.mcp.allowed-origins is refused with 403, a POST whose body is not JSON with 415
 * (the "simple" cross-site POST of a web page), and each credential's sessions are capped.
 */
@Singleton
public class HttpAuthentication {

    /** Ahead of the role guard (-10), the function routes' guard (-1) and every application route. */
    static final int ORDER = -20;

    private final Authenticator authenticator;
    private final McpSessions sessions;
    private final BearerChallenge challenge;
    private final Set<String> allowedOrigins;
    private final ObjectMapper json;

    public HttpAuthentication(Authenticator authenticator, McpSessions sessions, BearerChallenge challenge,
            AuthConfig config, ObjectMapper json) {
        this.json = json;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.challenge = challenge;
        this.allowedOrigins = config.mcp().allowedOrigins().orElse(List.of()).stream()
                .map(HttpAuthentication::normalizedOrigin).collect(Collectors.toUnmodifiableSet());
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        String path = context.normalizedPath();
        HttpServerRequest request = context.request();
        if (path.startsWith("/q/") || BearerChallenge.isMetadataPath(path)) {
            context.next();
            return;
        }
        boolean mcp = BearerChallenge.isMcp(path);
        if (mcp && !admissibleMcpRequest(context)) {
            return;
        }
        if (HttpMethod.OPTIONS.equals(request.method())) {
            // Preflights and "which methods" carry no credential and run nothing.
            context.next();
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (!authenticator.enabled()) {
            // Nothing to check (and nothing that blocks): every request acts as the development caller.
            admitted(context, authenticator.admit(authorization), mcp);
            return;
        }
        context.vertx().<Caller>executeBlocking(() -> authenticator.admit(authorization), false).onComplete(result -> {
            if (result.failed()) {
                refuse(context, result.cause());
                return;
            }
            admitted(context, result.result(), mcp);
        });
    }

    /** Hands the request on as the caller (to the MCP server only within the caller's sessions). */
    private void admitted(RoutingContext context, Caller caller, boolean mcp) {
        context.setUser(new QuarkusHttpUser(CurrentCaller.identity(caller)));
        if (!mcp) {
            context.next();
            return;
        }
        try {
            if (!sessions.proceed(context, caller)) {
                // As for an expired session: the client starts a new one.
                answer(context, new Problem("urn:lightmem:problem:not-found", "Not found", 404,
                        "no such MCP session for this credential", null, null, ErrorKind.NOT_FOUND.name(), null, null,
                        null));
            }
        } catch (RateLimitedException e) {
            refuse(context, e);
        }
    }

    /** Origin and content type of an MCP request; answers the request when it is not admissible. */
    private boolean admissibleMcpRequest(RoutingContext context) {
        HttpServerRequest request = context.request();
        String origin = request.getHeader("Origin");
        if (origin != null && !allowedOrigins.contains(normalizedOrigin(origin))) {
            answer(context, new Problem("urn:lightmem:problem:origin-not-allowed", "Origin not allowed", 403,
                    "requests from pages of origin '" + origin + "' may not use /mcp; an operator can allow it with"
                            + " lightmem.auth.mcp.allowed-origins", null, null, "PERMISSION_DENIED", null, null, null));
            return false;
        }
        if (HttpMethod.POST.equals(request.method()) && !isJson(request.getHeader("Content-Type"))) {
            answer(context, Problems.unsupportedMediaType(request.getHeader("Content-Type"), null));
            return false;
        }
        return true;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String type = (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip();
        return type.equalsIgnoreCase("application/json");
    }

    private void refuse(RoutingContext context, Throwable failure) {
        if (context.response().ended()) {
            return;
        }
        if (CloudEventInfo.isCloudEvent(context.request()) && !BearerChallenge.isMcp(context.normalizedPath())) {
            // Answered as an error event, by the function routes' failure handler.
            context.fail(failure);
            return;
        }
        ApiError error = ApiError.of(failure);
        challenge.addHeaders(context, error);
        answer(context, Problems.of(error, operation(context)));
    }

    private static String operation(RoutingContext context) {
        String path = context.normalizedPath();
        return BearerChallenge.isMcp(path) || path.equals("/") ? null : path.substring(path.lastIndexOf('/') + 1);
    }

    private void answer(RoutingContext context, Problem problem) {
        try {
            context.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(Buffer.buffer(json.writeValueAsBytes(problem)));
        } catch (JsonProcessingException e) {
            context.fail(problem.status(), e);
        }
    }

    /** scheme://host[:port] in lower case, without a trailing slash, as browsers send it. */
    private static String normalizedOrigin(String origin) {
        String trimmed = origin.strip().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
