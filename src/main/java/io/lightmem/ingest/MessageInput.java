package io.lightmem.ingest;

import io.lightmem.memory.Role;

/** A message as a caller sends it, before validation. Null means absent. */
public record MessageInput(Role role, String content, String timeStamp, String speakerId, String speakerName) {
}
