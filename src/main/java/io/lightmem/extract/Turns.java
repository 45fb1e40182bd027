package io.lightmem.extract;

import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.MessagesUse;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups a batch into turns (a user message and the assistant replies that follow it, never
 * across topic segments) and keeps the turns that have a message of the roles
 * {@code messages_use} selects. A turn's index in the result is its source id in the extraction
 * prompt; its topic is the 1-based position of its segment in the batch.
 */
final class Turns {

    /** One turn, reduced to its selected messages (never empty). */
    record Turn(int sourceId, int topic, long segmentId, List<LoggedMessage> messages) {

        LoggedMessage first() {
            return messages.get(0);
        }

        String text() {
            return String.join("\n", messages.stream().map(LoggedMessage::content).toList());
        }

        /** The pre-compressed text, or null when no message of the turn was compressed. */
        String compressedText() {
            return messages.stream().allMatch(m -> m.compressedContent() == null) ? null
                    : String.join("\n", messages.stream().map(LoggedMessage::extractionText).toList());
        }

        List<String> sourceIds() {
            return messages.stream().map(m -> Long.toString(m.id())).toList();
        }
    }

    private Turns() {
    }

    static List<Turn> selected(List<Segment> batch, MessagesUse use) {
        List<Turn> selected = new ArrayList<>();
        for (int topic = 1; topic <= batch.size(); topic++) {
            Segment segment = batch.get(topic - 1);
            for (List<LoggedMessage> turn : LoggedMessage.turns(segment.messages())) {
                List<LoggedMessage> kept = turn.stream().filter(m -> use.feeds(m.role())).toList();
                if (!kept.isEmpty()) {
                    selected.add(new Turn(selected.size(), topic, segment.id(), kept));
                }
            }
        }
        return selected;
    }
}
