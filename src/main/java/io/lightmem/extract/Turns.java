package io.lightmem.extract;

import io.lightmem.config.LightMemConfig.MessagesUse;
import io.lightmem.ingest.Role;
import io.lightmem.store.LoggedMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups a batch into turns (a user message and the assistant replies that follow it) and keeps
 * the turns that have a message of the roles {@code messages_use} selects. A turn's index in the
 * result is its source id in the extraction prompt.
 */
final class Turns {

    /** One turn, reduced to its selected messages (never empty). */
    record Turn(int sourceId, List<LoggedMessage> messages) {

        LoggedMessage first() {
            return messages.get(0);
        }

        String text() {
            return String.join("\n", messages.stream().map(LoggedMessage::content).toList());
        }

        List<String> sourceIds() {
            return messages.stream().map(m -> Long.toString(m.id())).toList();
        }
    }

    private Turns() {
    }

    static List<Turn> selected(List<LoggedMessage> batch, MessagesUse use) {
        List<List<LoggedMessage>> turns = new ArrayList<>();
        List<LoggedMessage> current = null;
        for (LoggedMessage message : batch) {
            if (current == null || message.role() == Role.user) {
                current = new ArrayList<>();
                turns.add(current);
            }
            current.add(message);
        }
        List<Turn> selected = new ArrayList<>();
        for (List<LoggedMessage> turn : turns) {
            List<LoggedMessage> kept = turn.stream().filter(m -> feeds(use, m.role())).toList();
            if (!kept.isEmpty()) {
                selected.add(new Turn(selected.size(), kept));
            }
        }
        return selected;
    }

    static boolean feeds(MessagesUse use, Role role) {
        return switch (use) {
            case user_only -> role == Role.user;
            case assistant_only -> role == Role.assistant;
            case hybrid -> true;
        };
    }
}
