package io.lightmem.client;

import java.time.Instant;
import java.util.List;

/**
 * A stored memory.
 *
 * @param text the fact (or, with the service's {@code none} memory manager, the message itself)
 * @param originalText the source text the memory was made from
 * @param compressedText the source text after pre-compression; empty when that is off
 * @param time time of the source message
 * @param weekday "Mon" … "Sun" of {@code time}'s date
 * @param category category and subcategory, when the service generates metadata; empty otherwise
 * @param hitTime times the memory was returned by a retrieval
 * @param formatted the prompt line: "{time} {weekday} {text}"
 * @param sources provenance: ids of the messages it came from
 */
public record Memory(
        String id,
        String userId,
        String text,
        String originalText,
        String compressedText,
        Instant time,
        String weekday,
        String speakerId,
        String speakerName,
        String category,
        String subcategory,
        List<String> keywords,
        List<String> entities,
        List<String> sources,
        int hitTime,
        String formatted) {
}
