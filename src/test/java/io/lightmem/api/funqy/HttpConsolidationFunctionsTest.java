package io.lightmem.api.funqy;

import static io.lightmem.api.funqy.HttpFunctionsTest.call;
import static io.lightmem.api.funqy.HttpFunctionsTest.problem;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.ScriptedLlmServer.Reply.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.lightmem.testing.LlmProfile;
import io.lightmem.testing.ScriptedLlmResource.InjectLlm;
import io.lightmem.testing.ScriptedLlmServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Extraction, consolidation, history and usage over plain HTTP with an LLM memory manager (scripted). */
@QuarkusTest
@TestProfile(LlmProfile.class)
class HttpConsolidationFunctionsTest {

    @InjectLlm
    ScriptedLlmServer llm;

    @BeforeEach
    void resetScript() {
        llm.reset();
    }

    @Test
    void aMergeIsRecordedInHistoryAndCanBeUndoneOnce() {
        String userId = newUser();
        String coffee = remember(userId, "User likes coffee.", "2024-01-10T08:00:00");
        remember(userId, "User prefers cappuccino in the morning.", "2024-02-10T08:00:00");
        String merged = "User likes coffee, especially cappuccino in the morning.";
        llm.respond(ScriptedLlmServer.mergingInto("User likes coffee.", merged));

        call("ConstructUpdateQueue", "{\"user_id\": \"%s\"}".formatted(userId)).statusCode(200);
        JsonPath run = call("OfflineUpdate", "{\"user_id\": \"%s\", \"score_threshold\": 0.4}".formatted(userId))
                .statusCode(200).extract().jsonPath();

        assertThat(run.getList("decisions.target_id")).containsExactly(coffee);
        assertThat(run.getString("decisions[0].action")).isEqualTo("CONSOLIDATION_ACTION_UPDATE");
        assertThat(run.getString("decisions[0].new_memory")).isEqualTo(merged);
        assertThat(run.getInt("llm_calls")).isEqualTo(1);
        long changeId = run.getLong("decisions[0].change_id");

        JsonPath history = call("ListHistory", "{\"user_id\": \"%s\", \"memory_id\": \"%s\"}".formatted(userId, coffee))
                .statusCode(200).extract().jsonPath();
        assertThat(history.getLong("changes[0].change_id")).isEqualTo(changeId);
        assertThat(history.getString("changes[0].old_memory")).isEqualTo("User likes coffee.");
        assertThat(history.getString("changes[0].new_memory")).isEqualTo(merged);
        assertThat(history.getLong("changes[0].run_id")).isEqualTo(run.getLong("run_id"));
        assertThat(Instant.parse(history.getString("changes[0].changed_at"))).isBefore(Instant.now().plusSeconds(1));
        assertThat(history.getString("changes[0].undone_at")).isNull();

        JsonPath undone = call("UndoChange", "{\"user_id\": \"%s\", \"change_id\": %d}".formatted(userId, changeId))
                .statusCode(200).extract().jsonPath();
        assertThat(undone.getString("entry.memory")).isEqualTo("User likes coffee.");
        assertThat(undone.getString("change.undone_at")).isNotNull();

        problem(call("UndoChange", "{\"user_id\": \"%s\", \"change_id\": %d}".formatted(userId, changeId)), 409,
                "failed-precondition", null).body("detail", containsString("already undone"));
    }

    @Test
    void usageCountsTheLlmCallsOfEachOperation() {
        String userId = newUser();
        remember(userId, "User's dog is named Rex.", "2024-01-01T10:00:00");

        JsonPath usage = call("GetUsage", "{\"user_id\": \"%s\"}".formatted(userId)).statusCode(200).extract().jsonPath();

        assertThat(usage.getList("operations.operation")).containsExactly("extract");
        assertThat(usage.getLong("operations[0].calls")).isEqualTo(1);
        assertThat(usage.getLong("operations[0].total_tokens")).isPositive();
    }

    @Test
    void flushExtractsWhatWasBuffered() {
        String userId = newUser();
        call("AddMemory", """
                {"user_id": "%s", "messages": [{"role": "user", "content": "I play the cello.", "time_stamp": "2024-05-01T19:00:00"}]}
                """.formatted(userId)).statusCode(200);
        llm.enqueue(answer("{\"data\": [{\"source_id\": 0, \"fact\": \"User plays the cello.\"}]}"));

        JsonPath flushed = call("Flush", "{\"user_id\": \"%s\"}".formatted(userId)).statusCode(200).extract().jsonPath();

        assertThat(flushed.getList("entries.memory")).containsExactly("User plays the cello.");
        assertThat(flushed.getInt("pending_messages")).isZero();
        assertThat(flushed.getInt("llm_calls")).isEqualTo(1);
    }

    /** Stores one fact through AddMemory (the scripted extraction returns it); returns its id. */
    private String remember(String userId, String fact, String time) {
        llm.enqueue(answer("{\"data\": [{\"source_id\": 0, \"fact\": \"" + fact + "\"}]}"));
        JsonPath added = call("AddMemory", """
                {"user_id": "%s", "force_extract": true,
                 "messages": [{"role": "user", "content": "%s", "time_stamp": "%s"}]}
                """.formatted(userId, fact, time)).statusCode(200).extract().jsonPath();
        assertThat(added.getList("entries.memory")).containsExactly(fact);
        return added.getString("entries[0].id");
    }
}
