package io.lightmem.ingest;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.NormalizedMessage;
import io.lightmem.memory.SessionTimes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Validates messages and gives them their final times (docs/design.md, "Messages and normalization"): messages that
 * share one session
 * time are spread {@link #SAME_TIME_STEP} apart so their order survives in storage.
 */
public final class MessageNormalizer {

    static final Duration SAME_TIME_STEP = Duration.ofMillis(500);
    static final int MAX_MESSAGES = 1000;
    /** Long enough for pasted documents and long assistant answers (LongMemEval has 42k-character turns). */
    static final int MAX_CONTENT_CHARS = 131_072;
    private static final Set<String> WEEKDAYS = Set.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");

    private MessageNormalizer() {
    }

    public static List<NormalizedMessage> normalize(List<MessageInput> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new InvalidArgumentException("messages", "at least one message is required");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw new InvalidArgumentException("messages", "at most " + MAX_MESSAGES + " messages per call, got "
                    + messages.size());
        }
        List<NormalizedMessage> normalized = new ArrayList<>(messages.size());
        Instant previousSessionTime = null;
        Instant previousTime = null;
        for (int i = 0; i < messages.size(); i++) {
            MessageInput message = messages.get(i);
            String field = "messages[" + i + "]";
            if (message.role() == null) {
                throw new InvalidArgumentException(field + ".role", "required: user or assistant");
            }
            String content = message.content();
            if (content == null || content.isBlank()) {
                throw new InvalidArgumentException(field + ".content", "must not be blank");
            }
            if (content.length() > MAX_CONTENT_CHARS) {
                throw new InvalidArgumentException(field + ".content", "at most " + MAX_CONTENT_CHARS
                        + " characters, got " + content.length());
            }
            if (message.timeStamp() == null || message.timeStamp().isBlank()) {
                throw new InvalidArgumentException(field + ".time_stamp", "required");
            }
            SessionTimes.Parsed parsed = SessionTimes.parse(message.timeStamp())
                    .orElseThrow(() -> new InvalidArgumentException(field + ".time_stamp", "'" + message.timeStamp()
                            + "' is neither ISO-8601 (2024-01-15T10:30:00) nor the session form (2023/05/20 (Sat) 00:44)"));
            parsed.statedWeekday().filter(day -> !WEEKDAYS.contains(day)).ifPresent(day -> {
                throw new InvalidArgumentException(field + ".time_stamp", "unknown weekday '" + day + "'");
            });
            Instant sessionTime = parsed.instant();
            Instant time = sessionTime.equals(previousSessionTime) ? previousTime.plus(SAME_TIME_STEP) : sessionTime;
            String weekday = parsed.statedWeekday().orElseGet(() -> SessionTimes.weekday(sessionTime));
            normalized.add(new NormalizedMessage(message.role(), content.strip(), time, weekday,
                    blankToNull(message.speakerId()), speakerName(message)));
            previousSessionTime = sessionTime;
            previousTime = time;
        }
        return normalized;
    }

    private static String speakerName(MessageInput message) {
        String name = blankToNull(message.speakerName());
        if (name != null) {
            return name;
        }
        return message.role().defaultSpeakerName();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
