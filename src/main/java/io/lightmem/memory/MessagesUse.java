package io.lightmem.memory;

/** Which message roles feed memory construction (LightMem's messages_use). */
public enum MessagesUse {
    user_only, assistant_only, hybrid;

    /** Whether messages of this role feed memory construction. */
    public boolean feeds(Role role) {
        return switch (this) {
            case user_only -> role == Role.user;
            case assistant_only -> role == Role.assistant;
            case hybrid -> true;
        };
    }
}
