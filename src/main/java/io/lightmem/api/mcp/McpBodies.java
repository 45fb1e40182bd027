package io.lightmem.api.mcp;

import io.lightmem.api.StrictUtf8;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * MCP messages must be well-formed UTF-8 ({@link StrictUtf8}); one that is not is answered as the
 * JSON-RPC parse error it is (-32700), before the MCP server reads it leniently.
 */
@Singleton
public class McpBodies {

    /** After the body handler, before the MCP server's routes. */
    static final int ORDER = -5;

    void install(@Observes Router router) {
        router.routeWithRegex(HttpMethod.POST, "/mcp(/.*)?").order(ORDER).handler(this::check);
    }

    private void check(RoutingContext context) {
        Buffer body = context.body().buffer();
        int malformed = body == null ? -1 : StrictUtf8.malformedAt(body.getBytes());
        if (malformed < 0) {
            context.next();
            return;
        }
        JsonObject error = new JsonObject().put("jsonrpc", "2.0").putNull("id").put("error", new JsonObject()
                .put("code", -32700)
                .put("message", "Parse error: the message is not valid UTF-8 (byte " + malformed + ")"));
        context.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(error.encode());
    }
}
