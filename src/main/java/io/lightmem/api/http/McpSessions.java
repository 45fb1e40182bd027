package io.lightmem.api.http;

import io.lightmem.RateLimitedException;
import io.lightmem.auth.AuthConfig;
import io.lightmem.auth.Caller;
import io.quarkiverse.mcp.server.http.runtime.SseMcpConnection;
import io.quarkiverse.mcp.server.runtime.ConnectionManager;
import io.quarkiverse.mcp.server.runtime.McpConnectionBase;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MCP sessions per credential: each credential may hold lightmem.auth.mcp.max-sessions-per-credential
 * open sessions (streamable HTTP sessions and SSE streams) on an instance, and a session is used only
 * by the credential that opened it. Idle sessions end after quarkus.mcp.server.connection-idle-timeout,
 * which frees their place.
 */
@Singleton
public class McpSessions {

    static final String SESSION_HEADER = "Mcp-Session-Id";
    /** How long a client waits for a place: about as long as an idle session takes to expire. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(60);

    private final int maxPerCredential;
    private final ConnectionManager connections;
    /** Streamable HTTP session id -> credential id. */
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    /** Open SSE streams (legacy transport) -> credential id; counted with the sessions. */
    private final Map<String, String> streams = new ConcurrentHashMap<>();
    /** SSE message endpoint (the SSE connection's id) -> the credential that first posted to it. */
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();

    public McpSessions(AuthConfig config, ConnectionManager connections) {
        this.maxPerCredential = config.mcp().maxSessionsPerCredential();
        this.connections = connections;
    }

    /**
     * Lets the request use (or open) a session of its caller's, and hands it on to the MCP server.
     *
     * @return false when the request names a session of another credential, and was not handed on
     *         (answer it as an unknown session)
     * @throws RateLimitedException when it would open a session past the credential's cap
     */
    boolean proceed(RoutingContext context, Caller caller) {
        if (!admit(context, caller)) {
            return false;
        }
        if (!context.normalizedPath().equals("/mcp/sse")) {
            context.next();
            return true;
        }
        // The SSE handler registers the stream's connection, whose id is its message endpoint, as it runs:
        // the one new SSE connection is this caller's. (Two streams opened at the same instant on
        // different event loops cannot be told apart; their endpoints go to whoever posts first.)
        Set<String> before = sseConnections();
        context.next();
        Set<String> opened = sseConnections();
        opened.removeAll(before);
        if (opened.size() == 1) {
            endpoints.put(opened.iterator().next(), caller.credentialId());
        }
        return true;
    }

    private boolean admit(RoutingContext context, Caller caller) {
        String path = context.normalizedPath();
        String session = context.request().getHeader(SESSION_HEADER);
        if (path.startsWith("/mcp/messages/")) {
            // The legacy SSE transport's message endpoint: the credential of its stream's.
            String endpoint = path.substring("/mcp/messages/".length());
            if (endpoints.size() > maxPerCredential * 64) {
                endpoints.keySet().removeIf(id -> !connections.has(id));
            }
            return endpoints.computeIfAbsent(endpoint, id -> caller.credentialId()).equals(caller.credentialId());
        }
        if (session != null) {
            return Optional.ofNullable(sessions.get(session)).map(caller.credentialId()::equals).orElse(true);
        }
        boolean opensStream = path.equals("/mcp/sse");
        boolean opensSession = path.equals("/mcp") && "POST".equals(context.request().method().name());
        if (!opensStream && !opensSession) {
            return true;
        }
        if (open(caller.credentialId()) >= maxPerCredential) {
            throw new RateLimitedException("credential " + caller.credentialId() + " holds " + maxPerCredential
                    + " MCP sessions already (lightmem.auth.mcp.max-sessions-per-credential): end one (DELETE /mcp"
                    + " with its Mcp-Session-Id) or let one expire", RETRY_AFTER);
        }
        if (opensStream) {
            String stream = UUID.randomUUID().toString();
            streams.put(stream, caller.credentialId());
            context.response().closeHandler(closed -> streams.remove(stream));
            context.response().endHandler(ended -> streams.remove(stream));
        } else {
            context.addHeadersEndHandler(written -> {
                String opened = context.response().headers().get(SESSION_HEADER);
                if (opened != null) {
                    sessions.put(opened, caller.credentialId());
                }
            });
        }
        return true;
    }

    private Set<String> sseConnections() {
        Set<String> ids = new HashSet<>();
        for (McpConnectionBase connection : connections) {
            if (connection instanceof SseMcpConnection) {
                ids.add(connection.id());
            }
        }
        return ids;
    }

    /** Open sessions and streams of the credential; forgets sessions the MCP server has ended. */
    private int open(String credentialId) {
        sessions.keySet().removeIf(id -> !connections.has(id));
        int count = 0;
        for (String owner : sessions.values()) {
            count += owner.equals(credentialId) ? 1 : 0;
        }
        for (String owner : streams.values()) {
            count += owner.equals(credentialId) ? 1 : 0;
        }
        return count;
    }
}
