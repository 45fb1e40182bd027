package io.lightmem.auth;

import java.util.Arrays;
import java.util.Optional;

/** What a call does; a credential carries the permissions it grants as scopes. */
public enum Permission {
    /** Retrieve, get, list, history, usage. */
    MEMORIES_READ("memories:read"),
    /** Add, flush, undo. */
    MEMORIES_WRITE("memories:write"),
    /** Delete memories, erase a user. */
    MEMORIES_ERASE("memories:erase"),
    /** Build update queues and take consolidation decisions (which rewrite and delete memories); RunConsolidation. */
    CONSOLIDATE("consolidate"),
    /** API keys, the audit log and erasing a whole tenant (AdminService). */
    ADMIN("admin"),
    /** lightmem.v1.ModelService: what an api instance asks of a model service. */
    MODELS("models");

    private final String scope;

    Permission(String scope) {
        this.scope = scope;
    }

    /** The scope name a credential grants this permission with. */
    public String scope() {
        return scope;
    }

    public static Optional<Permission> ofScope(String scope) {
        return Arrays.stream(values()).filter(permission -> permission.scope.equals(scope)).findFirst();
    }
}
