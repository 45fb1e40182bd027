package io.lightmem.memory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A message as the message log holds it.
 *
 * @param segmentId the topic segment it belongs to (the id of the segment's first message)
 * @param tokens tokens of the text extraction reads
 * @param compressedContent the pre-compressed content, or null
 */
public record LoggedMessage(long id, Role role, String content, OffsetDateTime timeStamp, String weekday,
        String speakerId, String speakerName, long segmentId, int tokens, String compressedContent) {

    public LoggedMessage(long id, Role role, String content, OffsetDateTime timeStamp, String weekday, String speakerId,
            String speakerName, long segmentId, int tokens) {
        this(id, role, content, timeStamp, weekday, speakerId, speakerName, segmentId, tokens, null);
    }

    /** The text extraction reads: the compressed content when there is one. */
    public String extractionText() {
        return compressedContent == null ? content : compressedContent;
    }

    /** Groups messages into turns: a user message and the assistant replies that follow it. */
    public static List<List<LoggedMessage>> turns(List<LoggedMessage> messages) {
        List<List<LoggedMessage>> turns = new ArrayList<>();
        List<LoggedMessage> current = null;
        for (LoggedMessage message : messages) {
            if (current == null || message.role() == Role.user) {
                current = new ArrayList<>();
                turns.add(current);
            }
            current.add(message);
        }
        return turns;
    }
}
