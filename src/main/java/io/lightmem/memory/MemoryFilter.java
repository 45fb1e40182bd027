package io.lightmem.memory;

import java.time.Instant;

/** Restrictions of a search; null fields do not restrict. */
public record MemoryFilter(Instant from, Instant to, String speakerName, String category) {

    public static final MemoryFilter NONE = new MemoryFilter(null, null, null, null);
}
