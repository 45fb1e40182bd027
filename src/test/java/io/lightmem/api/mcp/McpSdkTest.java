package io.lightmem.api.mcp;

import static io.lightmem.testing.Conversations.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.memory.SessionTimes;
import io.lightmem.testing.NodeScripts;
import io.lightmem.testing.Rows;
import io.lightmem.testing.ServiceClients;
import io.lightmem.testing.TestDatabase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP endpoint as an agent's MCP client sees it: the official MCP TypeScript SDK
 * (src/test/mcp-client/client.mjs) connects over streamable HTTP, lists the tools, adds a turn,
 * retrieves it and makes mistakes; this test asserts on what the SDK reported. The SDK also
 * validates every structured result against the tool's output schema, so a mismatch fails here.
 */
@QuarkusTest
class McpSdkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NodeScripts CLIENT = new NodeScripts(Path.of("src/test/mcp-client"));
    private static JsonNode seen;
    private static String userId;
    private static Instant started;

    @TestHTTPResource("/mcp")
    URI endpoint;

    final DataSource dataSource = TestDatabase.dataSource();

    @BeforeAll
    static void installSdk() {
        CLIENT.installed();
    }

    /** One SDK session per test class: the script runs once, the tests read its report. */
    private JsonNode seen() throws Exception {
        if (seen == null) {
            userId = newUser();
            started = Instant.now();
            NodeScripts.Result run = CLIENT.node("client.mjs", List.of(endpoint.toString(), userId,
                    JSON.writeValueAsString(ServiceClients.credentials())), 120);
            assertThat(run.exitCode()).as("client.mjs exit code; it printed:%n%s", run.stdout()).isZero();
            // Kept for reading after the run: what an agent's client saw, message by message.
            Files.writeString(Path.of("target/mcp-sdk-report.json"), run.stdout());
            seen = JSON.readTree(run.stdout());
        }
        return seen;
    }

    @Test
    void sessionIsInitializedWithTheServersNameAndInstructions() throws Exception {
        JsonNode seen = seen();
        assertThat(seen.at("/session/id").asText()).isNotBlank();
        assertThat(seen.at("/session/protocolVersion").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(seen.at("/server/name").asText()).isEqualTo("lightmem");
        assertThat(seen.at("/instructions").asText()).contains("user_id", "retrieve_memory", "add_memory");
    }

    @Test
    void theFiveLightMemToolsAreListedWithDescribedArgumentsAndOutputSchemas() throws Exception {
        JsonNode tools = seen().get("tools");
        assertThat(names(tools)).containsExactlyInAnyOrder("add_memory", "retrieve_memory", "offline_update",
                "get_timestamp", "show_lightmem_instance");
        for (JsonNode tool : tools) {
            assertThat(tool.get("description").asText()).as(tool.get("name").asText()).hasSizeGreaterThan(150);
            assertThat(tool.get("hasOutputSchema").asBoolean()).as(tool.get("name").asText()).isTrue();
            tool.at("/inputSchema/properties").properties().forEach(argument -> assertThat(
                    argument.getValue().path("description").asText()).as(argument.getKey()).isNotBlank());
        }

        JsonNode add = tool(tools, "add_memory").get("inputSchema");
        assertThat(fieldNames(add.get("properties"))).containsExactly("user_id", "user_input", "assistant_reply",
                "timestamp", "force_segment", "force_extract", "request_id");
        assertThat(names(add.get("required"))).containsExactly("user_id", "user_input", "assistant_reply");
        assertThat(add.at("/properties/force_extract/type").asText()).isEqualTo("boolean");
        assertThat(add.at("/properties/timestamp/description").asText()).contains("ISO-8601", "2024-01-15T10:30:00");

        JsonNode retrieve = tool(tools, "retrieve_memory").get("inputSchema");
        assertThat(fieldNames(retrieve.get("properties"))).containsExactly("user_id", "query", "limit", "filters",
                "query_time");
        assertThat(names(retrieve.get("required"))).containsExactly("user_id", "query");
        assertThat(retrieve.at("/properties/limit/type").asText()).isEqualTo("integer");
        assertThat(fieldNames(retrieve.at("/properties/filters/properties"))).containsExactlyInAnyOrder(
                "time_from", "time_to", "speaker_name", "category");

        JsonNode update = tool(tools, "offline_update").get("inputSchema");
        assertThat(fieldNames(update.get("properties"))).containsExactly("user_id", "top_k", "keep_top_n",
                "score_threshold");
        assertThat(names(update.get("required"))).containsExactly("user_id");
        assertThat(tool(tools, "offline_update").at("/annotations/destructiveHint").asBoolean()).isTrue();

        assertThat(tool(tools, "get_timestamp").at("/inputSchema/properties").size()).isZero();
        assertThat(tool(tools, "show_lightmem_instance").at("/inputSchema/properties").size()).isZero();
        assertThat(tool(tools, "retrieve_memory").at("/annotations/readOnlyHint").asBoolean()).isTrue();
    }

    @Test
    void anAddedTurnComesBackFromRetrievalAsTheFormattedLine() throws Exception {
        JsonNode seen = seen();
        JsonNode add = seen.get("add");
        assertThat(add.path("isError").asBoolean()).as("add_memory: %s", add).isFalse();
        assertThat(text(add)).contains("2024-01-15T10:30:00.000 Mon My favorite color is blue.");
        assertThat(add.at("/structuredContent/message_ids").size()).isEqualTo(2);
        assertThat(add.at("/structuredContent/memories/0/memory").asText()).isEqualTo("My favorite color is blue.");

        JsonNode retrieve = seen.get("retrieve");
        assertThat(retrieve.path("isError").asBoolean()).as("retrieve_memory: %s", retrieve).isFalse();
        List<String> lines = text(retrieve).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("2024-01-15T10:30:00.000 Mon My favorite color is blue.");
        JsonNode memories = retrieve.at("/structuredContent/memories");
        assertThat(memories.get(0).get("formatted").asText()).isEqualTo(lines.get(0));
        assertThat(memories.get(0).get("hit_time").asInt()).isEqualTo(1);
        assertThat(memories.get(0).get("score").asDouble()).isGreaterThan(memories.get(1).get("score").asDouble());
        assertThat(retrieve.at("/structuredContent/strategy").asText()).isEqualTo("hybrid");
    }

    @Test
    void withoutATimestampTheTurnTakesTheServersTime() throws Exception {
        JsonNode add = seen().get("addWithoutTimestamp");
        assertThat(add.path("isError").asBoolean()).as("add_memory: %s", add).isFalse();
        JsonNode memory = add.at("/structuredContent/memories/0");
        assertThat(memory.get("memory").asText()).isEqualTo("I adopted a cat named Miso.");
        Instant stored = SessionTimes.parse(memory.get("time_stamp").asText(), java.time.ZoneOffset.UTC).orElseThrow().instant();
        assertThat(stored).isBetween(started.minusSeconds(1), started.plus(Duration.ofMinutes(2)));
    }

    @Test
    void filtersRestrictTheSearch() throws Exception {
        JsonNode filtered = seen().get("retrieveFiltered");
        assertThat(filtered.path("isError").asBoolean()).as("retrieve_memory: %s", filtered).isFalse();
        // Only the turn added "now" is after 2024-01-16; the January 15 memory is excluded.
        assertThat(text(filtered)).endsWith("I adopted a cat named Miso.").doesNotContain("blue");
        assertThat(filtered.at("/structuredContent/memories").size()).isEqualTo(1);
    }

    @Test
    void badInputIsAToolErrorNamingTheArgumentAndStoresNothing() throws Exception {
        JsonNode seen = seen();
        JsonNode bad = seen.get("badTimestamp");
        assertThat(bad.path("isError").asBoolean()).isTrue();
        assertThat(text(bad)).startsWith("Invalid argument timestamp: 'last tuesday' is neither ISO-8601")
                .contains("Nothing was changed");
        assertThat(bad.has("structuredContent")).isFalse();

        assertThat(text(seen.get("afterBadTimestamp"))).doesNotContain("Lisbon");
        assertThat(Rows.strings(dataSource, "SELECT content FROM message_log WHERE user_id = ? ORDER BY id", userId))
                .containsExactly("My favorite color is blue.", "Blue is a great color!",
                        "I adopted a cat named Miso.", "Congratulations on Miso!");
        assertThat(Rows.strings(dataSource, "SELECT memory FROM memory_entry WHERE user_id = ?", userId))
                .containsExactlyInAnyOrder("My favorite color is blue.", "I adopted a cat named Miso.");

        JsonNode missing = seen.get("missingUserId");
        assertThat(missing.path("isError").asBoolean()).isTrue();
        assertThat(text(missing)).contains("user_id");
    }

    @Test
    void anUnknownToolIsAJsonRpcInvalidParamsError() throws Exception {
        JsonNode unknown = seen().get("unknownTool");
        assertThat(unknown.at("/thrown/code").asInt()).isEqualTo(-32602);
        assertThat(unknown.at("/thrown/message").asText()).contains("no_such_tool");
    }

    @Test
    void instanceToolsReportTimeAndConfiguration() throws Exception {
        JsonNode seen = seen();
        JsonNode now = seen.get("timestamp");
        assertThat(now.at("/structuredContent/time_stamp").asText())
                .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}");
        assertThat(text(now)).isEqualTo(now.at("/structuredContent/time_stamp").asText() + " "
                + now.at("/structuredContent/weekday").asText() + " (UTC)");

        JsonNode instance = seen.get("instance");
        assertThat(instance.at("/structuredContent/memory_manager").asText()).isEqualTo("none");
        assertThat(instance.at("/structuredContent/config/lightmem.retrieve-strategy").asText()).isEqualTo("hybrid");
        assertThat(text(instance)).contains("memory manager: none", "lightmem.retrieve-strategy = hybrid");
    }

    private static JsonNode tool(JsonNode tools, String name) {
        return StreamSupport.stream(tools.spliterator(), false)
                .filter(tool -> tool.get("name").asText().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> names(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(node -> node.isTextual() ? node.asText() : node.get("name").asText()).toList();
    }

    private static List<String> fieldNames(JsonNode object) {
        return StreamSupport.stream(((Iterable<String>) object::fieldNames).spliterator(), false).toList();
    }

    /** The text content of a tool result (the tools return exactly one text block). */
    private static String text(JsonNode result) {
        assertThat(result.get("content")).as("content of %s", result).hasSize(1);
        return result.at("/content/0/text").asText();
    }
}
