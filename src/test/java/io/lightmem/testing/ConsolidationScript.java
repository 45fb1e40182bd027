package io.lightmem.testing;

import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;

import com.fasterxml.jackson.databind.JsonNode;
import io.lightmem.testing.ScriptedLlmServer.Reply;
import java.util.function.Function;

/** Scripted consolidation decisions for the {@link ScriptedLlmServer}, chosen by the target memory of each call. */
public final class ConsolidationScript {

    public static final Reply IGNORE = answer("{\"action\": \"ignore\", \"new_memory\": \"\"}");
    public static final Reply DELETE = answer("{\"action\": \"delete\", \"new_memory\": \"\"}");

    private ConsolidationScript() {
    }

    public static Reply update(String merged) {
        return answer("{\"action\": \"update\", \"new_memory\": \"" + merged + "\"}");
    }

    /** Answers consolidation calls by the target line of their prompt; anything else gets the fallback. */
    public static Function<JsonNode, Reply> decisions(Function<String, Reply> byTarget) {
        return request -> {
            if (!isConsolidation(request)) {
                return null;
            }
            String prompt = ScriptedLlmServer.lastUserMessage(request);
            String target = prompt.substring(0, prompt.indexOf("Newer memories"));
            return byTarget.apply(target);
        };
    }

    public static boolean isConsolidation(JsonNode request) {
        return ScriptedLlmServer.systemMessage(request).contains("Decide what should happen to the target");
    }

    /** The extraction answer that makes {@code fact} the one memory of a one-message add. */
    public static Reply fact(String fact) {
        return answer("{\"data\": [{\"source_id\": 0, \"fact\": \"" + fact + "\"}]}");
    }
}
