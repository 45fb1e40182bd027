package io.lightmem.memory;

import java.time.Instant;

/** A validated message with its final, strictly ordered time. */
public record NormalizedMessage(Role role, String content, Instant timeStamp, String weekday,
        String speakerId, String speakerName) {
}
