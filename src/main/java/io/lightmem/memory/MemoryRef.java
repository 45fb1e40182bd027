package io.lightmem.memory;

import java.util.Comparator;
import java.util.UUID;

/**
 * One memory by its owner and id: what hit counting keeps per memory, scoped like every query
 * (docs/design.md, "Tenants"). Ordered by id, the order in which rows are locked.
 */
public record MemoryRef(Owner owner, UUID id) implements Comparable<MemoryRef> {

    private static final Comparator<MemoryRef> ORDER = Comparator.comparing(MemoryRef::id)
            .thenComparing(ref -> ref.owner().tenantId()).thenComparing(ref -> ref.owner().userId());

    @Override
    public int compareTo(MemoryRef other) {
        return ORDER.compare(this, other);
    }
}
