package io.lightmem.store;

import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.MemoryMetadata;
import io.lightmem.memory.NewMemory;
import io.lightmem.memory.Owner;
import io.lightmem.testing.Conversations;
import java.time.OffsetDateTime;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Memories written straight through {@link MemoryRepository}, with vectors chosen by the test: unit
 * vectors in one plane, so the cosine similarity of two is the cosine of the angle between them.
 */
final class StoredMemories {

    /** lightmem.text-embedder.dims of the test database's column. */
    static final int DIMS = 384;

    private StoredMemories() {
    }

    /** A user of a tenant of its own: no other test's rows share its scope. */
    static Owner freshOwner() {
        return new Owner("tenant-" + UUID.randomUUID().toString().substring(0, 8), Conversations.newUser());
    }

    /** The same user id in another tenant. */
    static Owner sameUserElsewhere(Owner owner) {
        return new Owner("other-" + UUID.randomUUID().toString().substring(0, 8), owner.userId());
    }

    /** The unit vector at {@code degrees} in the plane of the first two dimensions. */
    static float[] at(double degrees) {
        float[] vector = new float[DIMS];
        vector[0] = (float) Math.cos(Math.toRadians(degrees));
        vector[1] = (float) Math.sin(Math.toRadians(degrees));
        return vector;
    }

    static MemoryEntry store(MemoryRepository memories, Owner owner, String text, String isoTime, double degrees) {
        OffsetDateTime time = OffsetDateTime.parse(isoTime);
        String weekday = time.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
        NewMemory memory = new NewMemory(text, text, null, time, weekday, null, "User", null, List.of(),
                MemoryMetadata.NONE);
        return memories.insert(owner, List.of(memory), List.of(at(degrees))).get(0);
    }
}
