package io.lightmem.auth;

/** What a call does to a user's memories; a credential carries the permissions it grants as scopes. */
public enum Permission {
    /** Retrieve, get, list, history, usage. */
    MEMORIES_READ("memories:read"),
    /** Add, flush, undo. */
    MEMORIES_WRITE("memories:write"),
    /** Delete memories, erase a user. */
    MEMORIES_ERASE("memories:erase"),
    /** Build update queues and take consolidation decisions (which rewrite and delete memories). */
    CONSOLIDATE("consolidate");

    private final String scope;

    Permission(String scope) {
        this.scope = scope;
    }

    /** The scope name a credential grants this permission with. */
    public String scope() {
        return scope;
    }
}
