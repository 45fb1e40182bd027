package io.lightmem.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The common first step of reading an LLM's JSON answer: strip a code fence, parse, require an object. */
public final class JsonAnswers {

    /** The answer was not of the required shape; the message says what is wrong (and is sent back to the model). */
    public static final class MalformedAnswerException extends Exception {
        public MalformedAnswerException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonAnswers() {
    }

    public static JsonNode object(String answer) throws MalformedAnswerException {
        if (answer == null || answer.isBlank()) {
            throw new MalformedAnswerException("the answer is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(withoutCodeFence(answer.strip()));
        } catch (JsonProcessingException e) {
            throw new MalformedAnswerException("the answer is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedAnswerException("the answer is not a JSON object");
        }
        return root;
    }

    /** Some servers wrap JSON in a Markdown code fence even when asked not to. */
    private static String withoutCodeFence(String answer) {
        if (!answer.startsWith("```")) {
            return answer;
        }
        int firstLineEnd = answer.indexOf('\n');
        int closing = answer.lastIndexOf("```");
        return firstLineEnd < 0 || closing <= firstLineEnd ? answer : answer.substring(firstLineEnd + 1, closing);
    }
}
