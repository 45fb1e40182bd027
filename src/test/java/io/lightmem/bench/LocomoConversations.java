package io.lightmem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads the conversations of a LoCoMo-format file (see ../shared/data/README.md). */
final class LocomoConversations {

    /** One utterance; {@code imageCaption} is null when the turn shared no image. */
    record Turn(String speaker, String diaId, String text, String imageCaption) {
    }

    record Session(int number, LocalDateTime time, List<Turn> turns) {
    }

    record Conversation(String sampleId, String speakerA, String speakerB, List<Session> sessions) {
        int turnCount() {
            return sessions.stream().mapToInt(s -> s.turns().size()).sum();
        }
    }

    /** "1:56 pm on 8 May, 2023" */
    private static final DateTimeFormatter SESSION_TIME = DateTimeFormatter.ofPattern("h:mm a 'on' d MMMM, yyyy",
            Locale.ENGLISH);

    private LocomoConversations() {
    }

    static List<Conversation> read(Path file) throws IOException {
        List<Conversation> conversations = new ArrayList<>();
        for (JsonNode sample : new ObjectMapper().readTree(file.toFile())) {
            JsonNode conversation = sample.get("conversation");
            List<Session> sessions = new ArrayList<>();
            // Only session_N keys holding a list are sessions; some date keys have no session.
            for (int n = 1; conversation.has("session_" + n + "_date_time") || conversation.has("session_" + n); n++) {
                JsonNode turns = conversation.get("session_" + n);
                if (turns == null || !turns.isArray()) {
                    continue;
                }
                LocalDateTime time = LocalDateTime.parse(conversation.get("session_" + n + "_date_time").asText()
                        .replace("am", "AM").replace("pm", "PM"), SESSION_TIME);
                List<Turn> parsed = new ArrayList<>();
                for (JsonNode turn : turns) {
                    parsed.add(new Turn(turn.get("speaker").asText(), turn.get("dia_id").asText(),
                            turn.get("text").asText(), turn.hasNonNull("blip_caption") ? turn.get("blip_caption").asText() : null));
                }
                sessions.add(new Session(n, time, parsed));
            }
            conversations.add(new Conversation(sample.get("sample_id").asText(), conversation.get("speaker_a").asText(),
                    conversation.get("speaker_b").asText(), sessions));
        }
        return conversations;
    }
}
