package io.lightmem.memory;

import io.lightmem.InvalidArgumentException;
import java.util.UUID;

/** Memory ids as callers send them: UUID strings. */
public final class MemoryIds {

    private MemoryIds() {
    }

    public static UUID parse(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidArgumentException(field, "required");
        }
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(field, "'" + id + "' is not a memory id (a UUID)");
        }
    }
}
