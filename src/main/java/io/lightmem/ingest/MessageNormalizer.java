package io.lightmem.ingest;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.InputText;
import io.lightmem.memory.NormalizedMessage;
import io.lightmem.memory.SessionTimes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Validates messages and gives them their final times (docs/design.md, "Messages and normalization"):
 * messages that share one session time are spread {@link #SAME_TIME_STEP} apart so their order survives
 * in storage. Each keeps the offset its caller gave; one written without a zone is in {@code defaultZone}.
 */
public final class MessageNormalizer {

    static final Duration SAME_TIME_STEP = Duration.ofMillis(500);
    static final int MAX_MESSAGES = 1000;
    /** Long enough for pasted documents and long assistant answers (LongMemEval has 42k-character turns). */
    static final int MAX_CONTENT_CHARS = 131_072;
    /**
     * All messages of one call together. Chosen so that the largest request, and the AddMemory
     * response that repeats its text (memory and original_memory of each entry), fit the default
     * message size of gRPC clients and servers (4 MiB) and Quarkus's HTTP body limit (10 MiB) whatever
     * the characters (3 bytes each in UTF-8, 6 as JSON unicode escapes); the arithmetic is in
     * docs/fault-tolerance.md, "Request size".
     */
    static final int MAX_TOTAL_CONTENT_CHARS = 262_144;
    private static final Set<String> WEEKDAYS = Set.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");

    private MessageNormalizer() {
    }

    public static List<NormalizedMessage> normalize(List<MessageInput> messages, ZoneId defaultZone) {
        if (messages == null || messages.isEmpty()) {
            throw new InvalidArgumentException("messages", "at least one message is required");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw new InvalidArgumentException("messages", "at most " + MAX_MESSAGES + " messages per call, got "
                    + messages.size());
        }
        long total = messages.stream().mapToLong(m -> m == null || m.content() == null ? 0 : m.content().length()).sum();
        if (total > MAX_TOTAL_CONTENT_CHARS) {
            throw new InvalidArgumentException("messages", "at most " + MAX_TOTAL_CONTENT_CHARS
                    + " characters of content per call (all messages together), got " + total
                    + "; send the conversation in several calls");
        }
        List<NormalizedMessage> normalized = new ArrayList<>(messages.size());
        OffsetDateTime previousSessionTime = null;
        OffsetDateTime previousTime = null;
        for (int i = 0; i < messages.size(); i++) {
            MessageInput message = messages.get(i);
            String field = "messages[" + i + "]";
            if (message.role() == null) {
                throw new InvalidArgumentException(field + ".role", "required: user or assistant");
            }
            String content = InputText.check(field + ".content", message.content(), MAX_CONTENT_CHARS);
            if (InputText.blank(content)) {
                throw new InvalidArgumentException(field + ".content", "must not be blank");
            }
            SessionTimes.Parsed parsed = SessionTimes.require(field + ".time_stamp", message.timeStamp(), defaultZone);
            InputText.check(field + ".speaker_id", message.speakerId(), InputText.MAX_NAME_CHARS);
            InputText.check(field + ".speaker_name", message.speakerName(), InputText.MAX_NAME_CHARS);
            parsed.statedWeekday().filter(day -> !WEEKDAYS.contains(day)).ifPresent(day -> {
                throw new InvalidArgumentException(field + ".time_stamp", "unknown weekday '" + day + "'");
            });
            OffsetDateTime sessionTime = parsed.time();
            // The same instant in another offset is the same session time; each message keeps its own offset.
            OffsetDateTime time = previousSessionTime != null && sessionTime.isEqual(previousSessionTime)
                    ? previousTime.plus(SAME_TIME_STEP).withOffsetSameInstant(sessionTime.getOffset())
                    : sessionTime;
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
        return InputText.blank(s) ? null : s.strip();
    }
}
