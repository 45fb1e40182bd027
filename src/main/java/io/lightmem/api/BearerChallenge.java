package io.lightmem.api;

import io.lightmem.ErrorKind;
import io.lightmem.auth.AuthConfig;
import io.lightmem.auth.Permission;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * What an HTTP refusal tells the client about authenticating (RFC 6750 and, for MCP, RFC 9728 as the
 * MCP authorization spec uses it): {@code WWW-Authenticate: Bearer ...} on 401 (and 403 for a missing
 * scope), {@code Retry-After} on 429, and, when OIDC is on, the protected-resource metadata at
 * /.well-known/oauth-protected-resource naming the authorization server to get tokens from.
 */
@Singleton
public class BearerChallenge {

    static final String METADATA_PATH = "/.well-known/oauth-protected-resource";
    private static final String REALM = "lightmem";

    private final Optional<String> authorizationServer;

    public BearerChallenge(AuthConfig auth, Config config) {
        this.authorizationServer = auth.oidc().enabled()
                ? auth.oidc().authorizationServer().or(() -> config.getOptionalValue("quarkus.oidc.auth-server-url",
                        String.class))
                : Optional.empty();
    }

    /** Whether the path is the metadata's, which is public. */
    public static boolean isMetadataPath(String path) {
        return path.equals(METADATA_PATH) || path.startsWith(METADATA_PATH + "/");
    }

    /** Puts the headers the error's kind calls for on the response. */
    public void addHeaders(RoutingContext context, ApiError error) {
        HttpServerResponse response = context.response();
        if (error.kind() == ErrorKind.UNAUTHENTICATED) {
            boolean presented = context.request().getHeader("Authorization") != null;
            response.putHeader("WWW-Authenticate", challenge(context, presented ? "invalid_token" : null));
        } else if (error.kind() == ErrorKind.PERMISSION_DENIED) {
            response.putHeader("WWW-Authenticate", challenge(context, "insufficient_scope"));
        } else if (error.kind() == ErrorKind.RESOURCE_EXHAUSTED) {
            response.putHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
    }

    private String challenge(RoutingContext context, String error) {
        StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(REALM).append('"');
        if (error != null) {
            challenge.append(", error=\"").append(error).append('"');
        }
        if (authorizationServer.isPresent()) {
            challenge.append(", resource_metadata=\"").append(base(context)).append(METADATA_PATH)
                    .append(isMcp(context.normalizedPath()) ? "/mcp" : "").append('"');
        }
        return challenge.toString();
    }

    void install(@Observes Router router) {
        router.get(METADATA_PATH).handler(context -> metadata(context, ""));
        router.get(METADATA_PATH + "/mcp").handler(context -> metadata(context, "/mcp"));
    }

    /** RFC 9728 metadata of the resource at {@code path}: only with OIDC, the one way to obtain tokens from elsewhere. */
    private void metadata(RoutingContext context, String path) {
        if (authorizationServer.isEmpty()) {
            context.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", "OIDC is off (lightmem.auth.oidc.enabled=false): this service"
                            + " takes API keys it issued itself").encode());
            return;
        }
        JsonObject metadata = new JsonObject()
                .put("resource", base(context) + path)
                .put("authorization_servers", new JsonArray().add(authorizationServer.get()))
                .put("bearer_methods_supported", new JsonArray().add("header"))
                .put("scopes_supported", new JsonArray(Arrays.stream(Permission.values()).map(Permission::scope).toList()))
                .put("resource_name", "LightMem");
        context.response().putHeader("Content-Type", "application/json").end(metadata.encode());
    }

    public static boolean isMcp(String path) {
        return path.equals("/mcp") || path.startsWith("/mcp/");
    }

    /** scheme://host[:port] as the client addressed it (X-Forwarded-* count with quarkus.http.proxy.*). */
    private static String base(RoutingContext context) {
        return context.request().scheme() + "://" + context.request().authority();
    }
}
