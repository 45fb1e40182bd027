package io.lightmem.store;

import io.lightmem.ingest.Role;
import java.time.Instant;

/** A message as the message log holds it. */
public record LoggedMessage(long id, Role role, String content, Instant timeStamp, String weekday,
        String speakerId, String speakerName) {
}
