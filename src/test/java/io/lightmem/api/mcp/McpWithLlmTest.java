package io.lightmem.api.mcp;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static io.lightmem.testing.ScriptedLlmServer.Reply.httpError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lightmem.testing.LlmProfile;
import io.lightmem.testing.McpHttpClient;
import io.lightmem.testing.Rows;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.testing.TestDatabase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MCP tools with the openai memory manager, against a scripted OpenAI-compatible LLM server. */
@QuarkusTest
@TestProfile(LlmProfile.class)
class McpWithLlmTest {


    @TestHTTPResource("/mcp")
    URI endpoint;

    @InjectLlm
    ScriptedLlmServer llm;

    final DataSource dataSource = TestDatabase.dataSource();

    private McpHttpClient mcp;
    private String userId;

    @BeforeEach
    void connect() {
        llm.reset();
        mcp = McpHttpClient.connect(endpoint);
        userId = newUser();
    }

    @Test
    void addMemoryReturnsTheExtractedFacts() {
        llm.enqueue(answer("{\"data\": [{\"source_id\": 0, \"fact\": \"User's favorite color is blue.\"}]}"));

        JsonNode added = add("My favorite color is blue.", "2024-01-15T10:30:00");

        assertThat(text(added)).isEqualTo("Saved the turn (messages " + ids(added)
                + ") and stored 1 memory:\n2024-01-15T10:30:00.000 Mon User's favorite color is blue.");
        assertThat(added.at("/structuredContent/llm_calls").asInt()).isEqualTo(1);
        assertThat(ScriptedLlmServer.lastUserMessage(llm.requests().get(0))).contains("My favorite color is blue.");
    }

    @Test
    void aFailingLlmDefersExtractionAndTheAgentIsToldTheTurnIsKept() {
        llm.fallback(httpError(500));

        JsonNode added = add("I am vegetarian.", "2024-02-01T12:00:00");

        assertThat(added.path("isError").asBoolean()).isFalse();
        assertThat(added.at("/structuredContent/pending_messages").asInt()).isEqualTo(2);
        assertThat(text(added)).contains("no memory stored yet", "2 messages wait in the buffer",
                "Extraction was deferred (the messages are kept and retried by the next add_memory)");
        assertThat(Rows.strings(dataSource, "SELECT status FROM message_log WHERE user_id = ?", userId))
                .containsExactly("pending", "pending");
    }

    @Test
    void offlineUpdateBuildsTheQueuesWithTheGivenSizesThenMergesANewerDetailIntoTheOlderMemory() {
        String coffee = remember("User likes coffee.", "2024-01-10T08:00:00");
        remember("User prefers cappuccino with oat milk in the morning.", "2024-02-10T08:00:00");
        String merged = "User likes coffee, especially cappuccino with oat milk in the morning.";
        llm.respond(ScriptedLlmServer.mergingInto("User likes coffee.", merged));

        // The default model puts these two at a cosine of about 0.73, below its default threshold, 0.905.
        JsonNode run = mcp.toolResult("offline_update", Map.of("user_id", userId, "top_k", 5, "keep_top_n", 3,
                "score_threshold", 0.4));

        assertThat(run.path("isError").asBoolean()).as("offline_update: %s", run).isFalse();
        JsonNode result = run.get("structuredContent");
        assertThat(result.at("/queue/entries").asInt()).isEqualTo(2);
        assertThat(result.at("/queue/queue_rows").asInt()).isEqualTo(1); // the newer memory's one earlier candidate
        assertThat(result.at("/update/targets").asInt()).isEqualTo(1);
        assertThat(result.at("/update/llm_calls").asInt()).isEqualTo(1);
        JsonNode decision = result.at("/update/decisions/0");
        assertThat(decision.get("target_id").asText()).isEqualTo(coffee);
        assertThat(decision.get("action").asText()).isEqualTo("update");
        assertThat(decision.get("new_memory").asText()).isEqualTo(merged);
        assertThat(decision.get("change_id").asLong()).isPositive();
        assertThat(text(run)).contains("Rebuilt the update queues of 2 memories (1 candidate pairs).",
                "1 updated, 0 deleted, 0 kept", "update " + coffee + ": " + merged);

        assertThat(Rows.strings(dataSource, "SELECT memory FROM memory_entry WHERE user_id = ? ORDER BY float_time_stamp",
                userId)).containsExactly(merged, "User prefers cappuccino with oat milk in the morning.");
        assertThat(Rows.strings(dataSource, "SELECT kind || ' ' || params::text FROM consolidation_run"
                + " WHERE user_id = ? ORDER BY run_id", userId)).containsExactly(
                        "construct {\"top_k\": 5, \"keep_top_n\": 3}",
                        "update {\"trigger\": \"offline\", \"score_threshold\": 0.4}");
    }

    @Test
    void offlineUpdateWithABadArgumentDoesNotEvenBuildTheQueues() {
        remember("User likes tea.", "2024-01-10T08:00:00");
        remember("User likes green tea.", "2024-01-11T08:00:00");
        llm.reset();

        JsonNode sizes = mcp.toolResult("offline_update", Map.of("user_id", userId, "top_k", 2, "keep_top_n", 3));
        JsonNode threshold = mcp.toolResult("offline_update", Map.of("user_id", userId, "score_threshold", -2));

        assertThat(sizes.path("isError").asBoolean()).isTrue();
        assertThat(text(sizes)).startsWith("Invalid argument keep_top_n: must be between 1 and top_k (2)");
        assertThat(threshold.path("isError").asBoolean()).isTrue();
        assertThat(text(threshold)).startsWith("Invalid argument score_threshold:");
        assertThat(Rows.strings(dataSource, "SELECT kind FROM consolidation_run WHERE user_id = ?", userId)).isEmpty();
        assertThat(llm.requests()).isEmpty();
    }

    /** Adds a turn whose extraction (scripted) yields exactly {@code fact}; returns the memory's id. */
    private String remember(String fact, String time) {
        llm.enqueue(answer("{\"data\": [{\"source_id\": 0, \"fact\": \"" + fact + "\"}]}"));
        JsonNode added = add(fact, time);
        assertThat(added.at("/structuredContent/memories").size()).isEqualTo(1);
        return added.at("/structuredContent/memories/0/id").asText();
    }

    private JsonNode add(String userInput, String time) {
        JsonNode result = mcp.toolResult("add_memory", Map.of("user_id", userId, "user_input", userInput,
                "assistant_reply", "Noted.", "timestamp", time, "force_extract", true));
        assertThat(result.path("isError").asBoolean()).as("add_memory: %s", result).isFalse();
        return result;
    }

    private static String ids(JsonNode added) {
        JsonNode ids = added.at("/structuredContent/message_ids");
        return ids.get(0).asText() + ", " + ids.get(1).asText();
    }

    private static String text(JsonNode result) {
        assertThat(result.get("content")).as("content of %s", result).hasSize(1);
        return result.at("/content/0/text").asText();
    }
}
