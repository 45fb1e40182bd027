package io.lightmem.api.funqy;

import static io.lightmem.testing.Conversations.newUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.lightmem.testing.Rows;
import io.lightmem.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The functions as plain HTTP JSON (POST /&lt;Function&gt;) with the default `none` memory manager:
 * the same operations and validation as gRPC, failures as RFC 9457 problem bodies.
 */
@QuarkusTest
class HttpFunctionsTest {

    final DataSource dataSource = TestDatabase.dataSource();

    @Test
    void addedMessagesAreRetrievedWithTheirTimesAndFormattedLines() {
        String userId = newUser();
        JsonPath added = call("AddMemory", """
                {"user_id": "%s", "messages": [
                  {"role": "ROLE_USER", "content": "My favorite color is blue.", "time_stamp": "2024-01-15T10:30:00"},
                  {"role": "user", "content": "I live in Porto.", "time_stamp": "2024-01-15T10:30:00"},
                  {"role": "assistant", "content": "Noted.", "time_stamp": "2024-01-15T10:30:00"}]}
                """.formatted(userId)).statusCode(200).contentType("application/json").extract().jsonPath();

        assertThat(added.getList("message_ids")).hasSize(3);
        // The `none` manager keeps user messages only (lightmem.messages-use default), word for word.
        assertThat(added.getList("entries.memory")).containsExactly("My favorite color is blue.", "I live in Porto.");
        assertThat(added.getString("entries[0].time_stamp")).isEqualTo("2024-01-15T10:30:00Z");
        assertThat(added.getString("entries[1].time_stamp")).isEqualTo("2024-01-15T10:30:00.500Z");
        assertThat(added.getString("entries[0].speaker_name")).isEqualTo("User");
        assertThat(added.getString("entries[0].weekday")).isEqualTo("Mon");
        assertThat(added.getInt("llm_calls")).isZero();

        JsonPath found = call("Retrieve", """
                {"user_id": "%s", "query": "Which color does the user like?", "limit": 1}
                """.formatted(userId)).statusCode(200).extract().jsonPath();

        assertThat(found.getString("strategy")).isEqualTo("RETRIEVE_STRATEGY_HYBRID");
        assertThat(found.getList("memories.entry.memory")).containsExactly("My favorite color is blue.");
        assertThat(found.getDouble("memories[0].score")).isBetween(0.3, 1.0);
        assertThat(found.getList("formatted")).containsExactly("2024-01-15T10:30:00.000 Mon My favorite color is blue.");
        assertThat(found.getString("memories[0].entry.user_id")).isEqualTo(userId);
    }

    @Test
    void retrieveTakesFiltersAndStrategiesInProtoOrShortForm() {
        String userId = newUser();
        add(userId, "I visited Lisbon last spring.", "2023-04-10T09:00:00");
        add(userId, "I visited Oslo in the winter.", "2024-01-20T09:00:00");

        call("Retrieve", """
                {"user_id": "%s", "query": "visited", "strategy": "context",
                 "filter": {"time_from": "2024-01-01T00:00:00Z"}}
                """.formatted(userId))
                .statusCode(200)
                .body("strategy", equalTo("RETRIEVE_STRATEGY_CONTEXT"))
                .body("memories.entry.memory", equalTo(List.of("I visited Oslo in the winter.")));
        call("Retrieve", """
                {"user_id": "%s", "query": "visited", "strategy": "RETRIEVE_STRATEGY_CUBIST"}
                """.formatted(userId))
                .statusCode(400).body("field", equalTo("strategy"));
        call("Retrieve", """
                {"user_id": "%s", "query": "visited", "filter": {"time_to": "last tuesday"}}
                """.formatted(userId))
                .statusCode(400).body("field", equalTo("filter.time_to"));
        // "last month" is read against query_time: April 2023 asked in May 2023, January 2024 asked in February.
        call("Retrieve", """
                {"user_id": "%s", "query": "Which city did I visit last month?", "strategy": "embedding",
                 "query_time": "2023-05-15T12:00:00"}
                """.formatted(userId))
                .statusCode(200).body("memories[0].entry.memory", equalTo("I visited Lisbon last spring."));
        call("Retrieve", """
                {"user_id": "%s", "query": "Which city did I visit last month?", "strategy": "embedding",
                 "query_time": "2024-02-15T12:00:00"}
                """.formatted(userId))
                .statusCode(200).body("memories[0].entry.memory", equalTo("I visited Oslo in the winter."));
        call("Retrieve", """
                {"user_id": "%s", "query": "visited", "query_time": "next tuesday"}
                """.formatted(userId))
                .statusCode(400).body("field", equalTo("query_time"));
    }

    @Test
    void memoriesAreListedPageByPageFetchedByIdAndDeleted() {
        String userId = newUser();
        add(userId, "First fact.", "2024-01-01T10:00:00");
        add(userId, "Second fact.", "2024-01-02T10:00:00");
        add(userId, "Third fact.", "2024-01-03T10:00:00");

        JsonPath first = call("ListMemories", "{\"user_id\": \"%s\", \"page_size\": 2}".formatted(userId))
                .statusCode(200).extract().jsonPath();
        assertThat(first.getList("entries.memory")).containsExactly("First fact.", "Second fact.");
        JsonPath second = call("ListMemories", "{\"user_id\": \"%s\", \"page_size\": 2, \"page_token\": \"%s\"}"
                .formatted(userId, first.getString("next_page_token"))).statusCode(200).extract().jsonPath();
        assertThat(second.getList("entries.memory")).containsExactly("Third fact.");
        assertThat(second.getString("next_page_token")).isNull();

        String id = first.getString("entries[0].id");
        call("GetMemory", "{\"user_id\": \"%s\", \"memory_id\": \"%s\"}".formatted(userId, id))
                .statusCode(200).body("entry.memory", equalTo("First fact."));
        // Another tenant does not see it.
        problem(call("GetMemory", "{\"user_id\": \"%s\", \"memory_id\": \"%s\"}".formatted(newUser(), id)), 404,
                "not-found", null).body("detail", containsString(id));

        call("DeleteMemories", "{\"user_id\": \"%s\", \"memory_ids\": [\"%s\"]}".formatted(userId, id))
                .statusCode(200).body("deleted_memories", equalTo(1)).body("deleted_messages", equalTo(0));
        call("DeleteMemories", "{\"user_id\": \"%s\", \"all\": true}".formatted(userId))
                .statusCode(200).body("deleted_memories", equalTo(2)).body("deleted_messages", equalTo(3));
        call("ListMemories", "{\"user_id\": \"%s\"}".formatted(userId)).statusCode(200).body("entries", hasSize(0));
    }

    @Test
    void deleteNeedsExactlyIdsOrAll() {
        String userId = newUser();
        add(userId, "Keep me.", "2024-01-01T10:00:00");

        problem(call("DeleteMemories", "{\"user_id\": \"%s\"}".formatted(userId)), 400, "invalid-argument",
                "memory_ids");
        problem(call("DeleteMemories", "{\"user_id\": \"%s\", \"memory_ids\": [\"not-a-uuid\"]}".formatted(userId)),
                400, "invalid-argument", "memory_ids[0]");
        assertThat(storedMemories(userId)).containsExactly("Keep me.");
    }

    @Test
    void functionsWithoutFieldsTakeTheEmptyObject() {
        // Numbers as doubles: JsonPath's default float is 128 s coarse at today's epoch seconds.
        JsonPath now = call("GetTimestamp", "{}").statusCode(200).extract().jsonPath()
                .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
        assertThat(now.getString("time_stamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}");
        assertThat(now.getString("weekday")).isIn("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
        assertThat(now.getDouble("epoch_seconds")).isCloseTo(System.currentTimeMillis() / 1000.0,
                org.assertj.core.data.Offset.offset(60.0));
        problem(call("GetTimestamp", ""), 400, "invalid-argument", "body").body("detail", containsString("{}"));

        call("ShowInstance", "{}").statusCode(200)
                .body("memory_manager", equalTo("none"))
                .body("config", hasKey("lightmem.memory-manager.model-name"))
                .body("version", not(equalTo(null)));

        String userId = newUser();
        call("GetUsage", "{\"user_id\": \"%s\"}".formatted(userId)).statusCode(200).body("operations", hasSize(0));
        call("Flush", "{\"user_id\": \"%s\"}".formatted(userId)).statusCode(200)
                .body("entries", hasSize(0)).body("pending_messages", equalTo(0));
    }

    @Test
    void consolidationFunctionsBuildQueuesAndReportWhatNeedsAnLlm() {
        String userId = newUser();
        add(userId, "User likes tea.", "2024-01-01T10:00:00");
        add(userId, "User likes green tea.", "2024-01-02T10:00:00");

        call("ConstructUpdateQueue", "{\"user_id\": \"%s\"}".formatted(userId)).statusCode(200)
                .body("entries", equalTo(2)).body("queue_rows", equalTo(1));
        problem(call("ConstructUpdateQueue", "{\"user_id\": \"%s\", \"top_k\": 2, \"keep_top_n\": 3}".formatted(userId)),
                400, "invalid-argument", "keep_top_n");
        problem(call("OfflineUpdate", "{\"user_id\": \"%s\"}".formatted(userId)), 409, "failed-precondition", null)
                .body("detail", containsString("memory manager is 'none'"))
                .body("code", equalTo("FAILED_PRECONDITION"));
        problem(call("OfflineUpdate", "{\"user_id\": \"%s\", \"score_threshold\": 1.5}".formatted(userId)), 400,
                "invalid-argument", "score_threshold");
        call("ListHistory", "{\"user_id\": \"%s\"}".formatted(userId)).statusCode(200).body("changes", hasSize(0));
        problem(call("UndoChange", "{\"user_id\": \"%s\", \"change_id\": 987654321}".formatted(userId)), 404,
                "not-found", null);
        call("RunConsolidation", "{}").statusCode(200).body("failed", equalTo(0)).body("$", hasKey("more_due"));
    }

    @Test
    void aRetryWithTheSameRequestIdIsAnsweredWithoutStoringAgain() {
        String userId = newUser();
        String body = """
                {"user_id": "%s", "request_id": "7f1c2e9a", "messages": [
                  {"role": "user", "content": "%s", "time_stamp": "2024-01-15T10:30:00"}]}""";
        List<Integer> first = call("AddMemory", body.formatted(userId, "I collect stamps.")).statusCode(200)
                .body("repeated_request", equalTo(false)).extract().path("message_ids");

        call("AddMemory", body.formatted(userId, "I collect stamps.")).statusCode(200)
                .body("repeated_request", equalTo(true)).body("message_ids", equalTo(first));
        problem(call("AddMemory", body.formatted(userId, "I collect coins.")), 400, "invalid-argument", "request_id")
                .body("detail", containsString("already used by this user for different messages"));

        assertThat(storedMemories(userId)).containsExactly("I collect stamps.");
    }

    // ---- invalid input: 400 naming the field, nothing stored

    @Test
    void aBadTimeStampNamesTheMessageAndNothingOfTheRequestIsStored() {
        String userId = newUser();
        problem(call("AddMemory", """
                {"user_id": "%s", "messages": [
                  {"role": "user", "content": "fine", "time_stamp": "2024-01-15T10:30:00"},
                  {"role": "user", "content": "not fine", "time_stamp": "yesterday at noon"}]}
                """.formatted(userId)), 400, "invalid-argument", "messages[1].time_stamp")
                .body("detail", containsString("'yesterday at noon'"))
                .body("operation", equalTo("AddMemory"))
                .body("code", equalTo("INVALID_ARGUMENT"));

        assertThat(storedMemories(userId)).isEmpty();
        assertThat(Rows.strings(dataSource, "SELECT content FROM message_log WHERE user_id = ?", userId)).isEmpty();
    }

    @Test
    void missingAndMalformedFieldsAreNamed() {
        problem(call("AddMemory", "{\"messages\": []}"), 400, "invalid-argument", "user_id")
                .body("detail", equalTo("user_id: required"));
        problem(call("AddMemory", "{\"user_id\": \"%s\"}".formatted(newUser())), 400, "invalid-argument", "messages");
        problem(call("AddMemory", """
                {"user_id": "%s", "messages": [{"role": "moderator", "content": "x", "time_stamp": "2024-01-15T10:30:00"}]}
                """.formatted(newUser())), 400, "invalid-argument", "messages[0].role")
                .body("detail", containsString("'moderator'"));
        problem(call("AddMemory", """
                {"user_id": "%s", "messages": [{"content": "who said this?", "time_stamp": "2024-01-15T10:30:00"}]}
                """.formatted(newUser())), 400, "invalid-argument", "messages[0].role");
        problem(call("AddMemory", "{\"user_id\": \"%s\", \"messages\": [null]}".formatted(newUser())), 400,
                "invalid-argument", "messages[0]");
        problem(call("Retrieve", "{\"user_id\": \"bad user id!\", \"query\": \"q\"}"), 400, "invalid-argument", "user_id");
        problem(call("Retrieve", "{\"user_id\": \"%s\", \"query\": \"q\", \"limit\": 101}".formatted(newUser())), 400,
                "invalid-argument", "limit");
    }

    @Test
    void aBodyOfTheWrongShapeNamesTheField() {
        problem(call("Retrieve", "{\"user_id\": \"%s\", \"query\": \"q\", \"limit\": \"ten\"}".formatted(newUser())),
                400, "invalid-argument", "limit").body("detail", equalTo("limit: 'ten' is not an integer"));
        // Not cut to 2: a fraction where a whole number belongs is a mistake worth naming.
        problem(call("Retrieve", "{\"user_id\": \"%s\", \"query\": \"q\", \"limit\": 2.5}".formatted(newUser())),
                400, "invalid-argument", "limit").body("detail", equalTo("limit: '2.5' is not an integer"));
        problem(call("AddMemory", "{\"user_id\": \"%s\", \"messages\": \"hello\"}".formatted(newUser())), 400,
                "invalid-argument", "messages").body("detail", equalTo("messages: must be an array"));
        problem(call("AddMemory", "{\"user_id\": \"u\", \"messages\": [{\"role\": \"user\", \"content\": {}}]}"), 400,
                "invalid-argument", "messages[0].content");
        problem(call("Retrieve", "[1, 2]"), 400, "invalid-argument", "body");
    }

    @Test
    void malformedJsonAndAMissingBodyAre400() {
        problem(call("AddMemory", "{\"user_id\": \"u\", "), 400, "invalid-argument", "body")
                .body("detail", startsWith("body: not valid JSON"));
        problem(call("Retrieve", ""), 400, "invalid-argument", "body")
                .body("detail", containsString("the Retrieve request"));
        problem(call("Retrieve", "null"), 400, "invalid-argument", "body");
    }

    // ---- HTTP-level problems

    @Test
    void anUnknownFunctionIs404() {
        problem(call("Forget", "{}"), 404, "no-such-function", null).body("detail", containsString("/Forget"));
    }

    @Test
    void onlyPostCallsAFunction() {
        String userId = newUser();
        add(userId, "Do not erase me.", "2024-01-01T10:00:00");

        // A GET must not erase a user (Funqy alone would run the function with query parameters).
        problem(given().queryParam("user_id", userId).queryParam("all", true).get("/DeleteMemories").then(), 405,
                "method-not-allowed", null).header("Allow", "POST");
        given().options("/AddMemory").then().statusCode(204).header("Allow", "POST");

        assertThat(storedMemories(userId)).containsExactly("Do not erase me.");
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        problem(given().contentType("text/plain").body("hello").post("/AddMemory").then(), 415,
                "unsupported-media-type", null).body("detail", containsString("text/plain"));
    }

    @Test
    void problemBodiesCarryNoStackTraces() {
        String body = call("AddMemory", "{\"user_id\": \"u\", ").extract().asString();
        assertThat(body).doesNotContain("at io.", "Exception", "com.fasterxml", "java.");
    }

    // ---- helpers

    static ValidatableResponse call(String function, String json) {
        return given().contentType("application/json").body(json).when().post("/" + function).then();
    }

    /** Asserts an RFC 9457 problem body; {@code field} null when no field is named. */
    static ValidatableResponse problem(ValidatableResponse response, int status, String type, String field) {
        response.statusCode(status)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:lightmem:problem:" + type))
                .body("status", equalTo(status))
                .body("title", not(equalTo(null)))
                .body("field", equalTo(field));
        return response;
    }

    private static void add(String userId, String content, String time) {
        call("AddMemory", """
                {"user_id": "%s", "messages": [{"role": "user", "content": "%s", "time_stamp": "%s"}]}
                """.formatted(userId, content, time)).statusCode(200);
    }

    private List<String> storedMemories(String userId) {
        return Rows.strings(dataSource, "SELECT memory FROM memory_entry WHERE user_id = ? ORDER BY float_time_stamp",
                userId);
    }
}
