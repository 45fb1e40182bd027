package io.lightmem.store;

import io.lightmem.ingest.Role;
import java.time.Instant;

/**
 * A message as the message log holds it.
 *
 * @param segmentId the topic segment it belongs to (the id of the segment's first message)
 * @param tokens tokens of its content
 */
public record LoggedMessage(long id, Role role, String content, Instant timeStamp, String weekday,
        String speakerId, String speakerName, long segmentId, int tokens) {
}
