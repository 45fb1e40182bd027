package io.lightmem.retrieve;

import io.lightmem.memory.MemoryEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Keeps answers within lightmem.retrieve.max-response-bytes (3 MiB by default, below the 4 MiB a
 * default gRPC client accepts): 100 memories of 131,072 characters would otherwise make a Retrieve
 * of up to ~40 MB. Sizes are the UTF-8 bytes of the texts an answer carries, plus a fixed allowance
 * per entry for ids, times and field names.
 */
final class ResponseBudget {

    /** Ids, times, scores, field names and JSON punctuation of one entry. */
    static final int PER_ENTRY_OVERHEAD = 512;

    private ResponseBudget() {
    }

    /**
     * The longest prefix of the entries whose sizes add up to at most the budget; at least one entry,
     * since no entry alone can pass it (131,072 characters of memory, original and formatted text
     * are at most 1.2 MB in UTF-8).
     */
    static <T> List<T> within(List<T> items, long budget, java.util.function.ToLongFunction<T> size) {
        long used = 0;
        for (int i = 0; i < items.size(); i++) {
            used += size.applyAsLong(items.get(i));
            if (used > budget && i > 0) {
                return items.subList(0, i);
            }
        }
        return items;
    }

    /** An entry as answers carry it (its formatted line included). */
    static long bytes(MemoryEntry entry) {
        long bytes = PER_ENTRY_OVERHEAD + utf8(entry.memory()) + utf8(entry.originalMemory())
                + utf8(entry.compressedMemory()) + utf8(entry.formatted()) + utf8(entry.speakerId())
                + utf8(entry.speakerName()) + utf8(entry.category()) + utf8(entry.subcategory());
        for (List<String> texts : List.of(entry.keywords(), entry.entities(), entry.sources())) {
            for (String text : texts) {
                bytes += utf8(text) + 4;
            }
        }
        return bytes;
    }

    private static long utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
