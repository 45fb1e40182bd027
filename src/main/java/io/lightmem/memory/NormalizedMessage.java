package io.lightmem.memory;

import java.time.OffsetDateTime;

/** A validated message with its final, strictly ordered time, in the offset its caller gave. */
public record NormalizedMessage(Role role, String content, OffsetDateTime timeStamp, String weekday,
        String speakerId, String speakerName) {
}
