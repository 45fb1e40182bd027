package io.lightmem.memory;

import java.util.List;

/**
 * What metadata generation adds to a memory (metadata-generate; docs/design.md, "Short-term buffer and extraction");
 * empty when it is off.
 */
public record MemoryMetadata(String category, String subcategory, List<String> keywords, List<String> entities) {

    public static final MemoryMetadata NONE = new MemoryMetadata(null, null, List.of(), List.of());
}
