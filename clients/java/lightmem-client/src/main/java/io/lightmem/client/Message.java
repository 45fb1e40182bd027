package io.lightmem.client;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One conversation message as the service takes it: who said what, and when.
 *
 * @param time when it was said; the offset is sent as given
 * @param speakerId optional stable id of the speaker (an account id), or null
 * @param speakerName optional display name ("Caroline"); null means "User" / "Assistant" by role
 */
public record Message(Role role, String content, OffsetDateTime time, String speakerId, String speakerName) {

    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(time, "time");
    }

    public static Message user(String content, Instant time) {
        return new Message(Role.USER, content, time.atOffset(ZoneOffset.UTC), null, null);
    }

    public static Message user(String content, OffsetDateTime time) {
        return new Message(Role.USER, content, time, null, null);
    }

    public static Message assistant(String content, Instant time) {
        return new Message(Role.ASSISTANT, content, time.atOffset(ZoneOffset.UTC), null, null);
    }

    public static Message assistant(String content, OffsetDateTime time) {
        return new Message(Role.ASSISTANT, content, time, null, null);
    }

    /** This message said by a named speaker, e.g. one of two people in a recorded conversation. */
    public Message withSpeaker(String id, String name) {
        return new Message(role, content, time, id, name);
    }
}
