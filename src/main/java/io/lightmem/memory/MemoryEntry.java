package io.lightmem.memory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A stored memory (docs/design.md, "Storage"), without its vector; its time keeps the offset the caller gave. */
public record MemoryEntry(
        UUID id,
        String userId,
        String memory,
        String originalMemory,
        String compressedMemory,
        OffsetDateTime timeStamp,
        String weekday,
        String speakerId,
        String speakerName,
        String category,
        String subcategory,
        List<String> keywords,
        List<String> entities,
        Long topicId,
        int hitTime,
        List<String> sources,
        Instant createdAt,
        Instant updatedAt) {

    /** This entry with another hit count (a retrieval reports the count its own hit makes). */
    public MemoryEntry withHitTime(int hits) {
        return new MemoryEntry(id, userId, memory, originalMemory, compressedMemory, timeStamp, weekday, speakerId,
                speakerName, category, subcategory, keywords, entities, topicId, hits, sources, createdAt, updatedAt);
    }

    /**
     * The retrieval line (docs/design.md, "Retrieval"): "2024-01-15T10:30:00.000 Mon User's favorite color
     * is blue.", the time and weekday in the offset the message was given in.
     */
    public String formatted() {
        return SessionTimes.format(timeStamp) + " " + weekday + " " + memory;
    }
}
