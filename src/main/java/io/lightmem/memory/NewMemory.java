package io.lightmem.memory;

import java.time.OffsetDateTime;
import java.util.List;

/** A memory about to be stored: what extraction produced, before it has an id and a vector. */
public record NewMemory(
        String memory,
        String originalMemory,
        String compressedMemory,
        OffsetDateTime timeStamp,
        String weekday,
        String speakerId,
        String speakerName,
        Long topicId,
        List<String> sources,
        MemoryMetadata metadata) {
}
