package io.lightmem.api;

import io.lightmem.config.RoleConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * In role {@code models} the HTTP port serves only {@code /q/*} (health, metrics): the Funqy
 * functions and the MCP tools need the database that role does not have, so their calls get a 404
 * problem that says where to send them, instead of failing deep inside. The gRPC counterpart is
 * {@link io.lightmem.api.grpc.ServedServices}.
 */
@Singleton
public class MemoryRoutesGuard {

    /** Ahead of every application route (Funqy's and the MCP server's take orders from 0 up). */
    static final int ORDER = -10;

    private final boolean servesMemory;

    public MemoryRoutesGuard(RoleConfig config) {
        this.servesMemory = config.role().servesMemory();
    }

    void install(@Observes Router router) {
        if (servesMemory) {
            return;
        }
        router.route().order(ORDER).handler(context -> {
            if (context.normalizedPath().startsWith("/q/")) {
                context.next();
                return;
            }
            JsonObject problem = new JsonObject()
                    .put("type", "urn:lightmem:problem:not-served")
                    .put("title", "Not served by this instance")
                    .put("status", 404)
                    .put("detail", "this instance runs lightmem.role=models and serves only lightmem.v1.ModelService"
                            + " over gRPC; send memory calls (functions, CloudEvents, MCP) to an instance in role api"
                            + " or all")
                    .put("code", "UNIMPLEMENTED");
            context.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json")
                    .end(problem.encode());
        });
    }
}
