package io.lightmem.consolidate;

import com.fasterxml.jackson.databind.JsonNode;
import io.lightmem.llm.JsonAnswers;
import io.lightmem.llm.JsonAnswers.MalformedAnswerException;
import java.util.Locale;

/**
 * The LLM's verdict on one target: {@code {"action": "update"|"delete"|"ignore", "new_memory": "..."}}.
 *
 * @param newMemory the merged text for {@link Action#update}; null otherwise
 */
public record Decision(Action action, String newMemory) {

    public enum Action {
        update, delete, ignore
    }

    /** Longest merged text accepted, as a message's content (AddMemory's limit). */
    static final int MAX_MEMORY_CHARS = 32_768;

    /** Strict reading: unknown actions, a missing or blank merge for update, or a non-string new_memory are malformed. */
    static Decision parse(String answer) throws MalformedAnswerException {
        JsonNode root = JsonAnswers.object(answer);
        JsonNode action = root.get("action");
        if (action == null || !action.isTextual()) {
            throw new MalformedAnswerException("\"action\" must be one of \"update\", \"delete\", \"ignore\"");
        }
        Action parsed;
        try {
            parsed = Action.valueOf(action.asText().strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MalformedAnswerException("\"action\" must be one of \"update\", \"delete\", \"ignore\", got \""
                    + action.asText() + "\"");
        }
        JsonNode newMemory = root.get("new_memory");
        if (newMemory != null && !newMemory.isNull() && !newMemory.isTextual()) {
            throw new MalformedAnswerException("\"new_memory\" must be a string");
        }
        if (parsed != Action.update) {
            return new Decision(parsed, null);
        }
        if (newMemory == null || newMemory.isNull() || newMemory.asText().isBlank()) {
            throw new MalformedAnswerException("\"new_memory\" must be the merged statement when the action is \"update\"");
        }
        String text = newMemory.asText().strip();
        if (text.length() > MAX_MEMORY_CHARS) {
            throw new MalformedAnswerException("\"new_memory\" is longer than " + MAX_MEMORY_CHARS + " characters");
        }
        return new Decision(parsed, text);
    }
}
