package io.lightmem.api.funqy;

import static io.lightmem.api.funqy.CloudEventsClient.event;
import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lightmem.testing.McpHttpClient;
import io.lightmem.testing.OptionalPartsProfile;
import io.lightmem.v1.GetTimestampRequest;
import io.lightmem.v1.GetTimestampResponse;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveFilter;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Time zones as a LightMem user expects them, the same on every transport (gRPC, HTTP functions,
 * CloudEvents, MCP): a time keeps the offset it was given and is printed, with its weekday, in it;
 * times without a zone are in lightmem.default-time-zone (Asia/Tokyo in {@link OptionalPartsProfile});
 * a date alone is that day.
 */
@QuarkusTest
@TestProfile(OptionalPartsProfile.class)
class TimeZonesTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @TestHTTPResource("/")
    URI root;

    @TestHTTPResource("/mcp")
    URI mcpEndpoint;

    @Test
    void overGrpcAMessageStampedInTokyosEarlyMondayIsAMondayMemoryWithItsOffset() {
        String userId = newUser();

        MemoryEntry stored = memory.addMemory(add(userId,
                user("I start my new job today.", "2024-01-15T01:30:00+09:00"))).getEntries(0);

        assertThat(stored.getFormatted()).isEqualTo("2024-01-15T01:30:00.000 Mon I start my new job today.");
        assertThat(stored.getWeekday()).isEqualTo("Mon");
        assertThat(stored.getUtcOffset().getSeconds()).isEqualTo(9 * 3600);
        // The instant is kept exactly: Sunday 16:30 in UTC.
        assertThat(Instant.ofEpochSecond(stored.getTimeStamp().getSeconds())).isEqualTo(Instant.parse("2024-01-14T16:30:00Z"));
        assertThat(memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("new job").build())
                .getFormattedList()).containsExactly("2024-01-15T01:30:00.000 Mon I start my new job today.");
    }

    @Test
    void overGrpcAnOffsetWestOfUtcKeepsItsEveningDay() {
        MemoryEntry stored = memory.addMemory(add(newUser(),
                user("Dinner with my sister tonight.", "2024-01-14T23:30:00-05:00"))).getEntries(0);

        assertThat(stored.getFormatted()).isEqualTo("2024-01-14T23:30:00.000 Sun Dinner with my sister tonight.");
        assertThat(stored.getUtcOffset().getSeconds()).isEqualTo(-5 * 3600);
    }

    @Test
    void timesWithoutAZoneAndDatesAloneAreTakenInTheDefaultZone() {
        String userId = newUser();

        List<MemoryEntry> stored = memory.addMemory(add(userId,
                user("Flight to Osaka.", "2024-01-15T01:30:00"),
                user("Conference day.", "2024-01-16"),
                user("Back home.", "2024/01/17 (Wed) 20:00"))).getEntriesList();

        assertThat(stored).extracting(MemoryEntry::getFormatted).containsExactly(
                "2024-01-15T01:30:00.000 Mon Flight to Osaka.",
                "2024-01-16T00:00:00.000 Tue Conference day.",
                "2024-01-17T20:00:00.000 Wed Back home.");
        assertThat(stored).allSatisfy(entry -> assertThat(entry.getUtcOffset().getSeconds()).isEqualTo(9 * 3600));
        // A filter time without a zone is Tokyo's too: from Tuesday 00:00 in Tokyo.
        RetrieveFilter fromTuesday = RetrieveFilter.newBuilder().setTimeFrom(com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(OffsetDateTime.parse("2024-01-16T00:00:00+09:00").toEpochSecond())).build();
        assertThat(memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("travel")
                .setFilter(fromTuesday).build()).getFormattedList()).hasSize(2);
        JsonPath filtered = post("Retrieve", """
                {"user_id": "%s", "query": "travel", "filter": {"time_from": "2024-01-16"}}""".formatted(userId));
        assertThat(filtered.getList("formatted")).hasSize(2);
    }

    @Test
    void httpFunctionsAndCloudEventsPrintTheSameLinesAndGiveTheOffset() {
        String userId = newUser();

        JsonPath added = post("AddMemory", """
                {"user_id": "%s", "messages": [
                  {"role": "user", "content": "I start my new job today.", "time_stamp": "2024-01-15T01:30:00+09:00"}]}
                """.formatted(userId));

        assertThat(added.getString("entries[0].formatted")).isEqualTo("2024-01-15T01:30:00.000 Mon I start my new job today.");
        assertThat(added.getString("entries[0].time_stamp")).isEqualTo("2024-01-14T16:30:00Z");
        assertThat(added.getString("entries[0].utc_offset")).isEqualTo("32400s");

        CloudEventsClient.Reply found = new CloudEventsClient(root).send(event("io.lightmem.v1.Retrieve", """
                {"user_id": "%s", "query": "new job"}""".formatted(userId)), CloudEventsClient.Mode.BINARY);
        assertThat(found.data().at("/formatted/0").asText()).isEqualTo("2024-01-15T01:30:00.000 Mon I start my new job today.");
        assertThat(found.data().at("/memories/0/entry/utc_offset").asText()).isEqualTo("32400s");
    }

    @Test
    void mcpToolsPrintTheSameLinesAndTakeTheDefaultZoneForTimesWithoutOne() {
        McpHttpClient mcp = McpHttpClient.connect(mcpEndpoint);
        String userId = newUser();

        JsonNode added = mcp.toolResult("add_memory", Map.of("user_id", userId, "user_input", "I start my new job today.",
                "assistant_reply", "Good luck!", "timestamp", "2024-01-15T01:30:00+09:00", "force_extract", true));
        JsonNode local = mcp.toolResult("add_memory", Map.of("user_id", userId, "user_input", "My first day went well.",
                "assistant_reply", "Great!", "timestamp", "2024-01-15T19:00:00", "force_extract", true));

        assertThat(added.at("/structuredContent/memories/0/formatted").asText())
                .isEqualTo("2024-01-15T01:30:00.000 Mon I start my new job today.");
        assertThat(added.at("/structuredContent/memories/0/utc_offset").asText()).isEqualTo("+09:00");
        assertThat(local.at("/structuredContent/memories/0/formatted").asText())
                .isEqualTo("2024-01-15T19:00:00.000 Mon My first day went well.");
        JsonNode found = mcp.toolResult("retrieve_memory", Map.of("user_id", userId, "query", "first day at the new job",
                "filters", Map.of("time_from", "2024-01-15T19:00:00")));
        assertThat(found.at("/structuredContent/memories")).hasSize(1);
    }

    /**
     * The same words said on Monday and on Tuesday evening in Tokyo: "yesterday" picks one of them, as
     * seen at the query_time, the same on every transport. Asked at 08:00 on Wednesday in Tokyo (23:00
     * on Tuesday in UTC), yesterday is Tokyo's Tuesday; read in UTC it would be Monday.
     */
    @Test
    void aRelativeTimeIsReadAgainstTheQueryTimeInTheDefaultZoneOnEveryTransport() {
        String userId = newUser();
        String painted = "I painted a sunset over the lake.";
        memory.addMemory(add(userId, user(painted, "2024-01-15T20:00:00"), user(painted, "2024-01-16T20:00:00")));
        String question = "What did I paint yesterday?";
        Map<String, String> askedToFirstLine = Map.of(
                "2024-01-17T08:00:00", "2024-01-16T20:00:00.000 Tue",
                "2024-01-16T08:00:00", "2024-01-15T20:00:00.000 Mon");
        McpHttpClient mcp = McpHttpClient.connect(mcpEndpoint);

        askedToFirstLine.forEach((asked, expected) -> {
            Instant instant = java.time.LocalDateTime.parse(asked).atZone(ZoneId.of("Asia/Tokyo")).toInstant();
            String grpc = memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery(question)
                    .setQueryTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(instant.getEpochSecond()))
                    .build()).getFormatted(0);
            String body = """
                    {"user_id": "%s", "query": "%s", "query_time": "%s"}""".formatted(userId, question, asked);
            String http = post("Retrieve", body).getString("formatted[0]");
            String cloudEvent = new CloudEventsClient(root).send(event("io.lightmem.v1.Retrieve", body),
                    CloudEventsClient.Mode.BINARY).data().at("/formatted/0").asText();
            String tool = mcp.toolResult("retrieve_memory", Map.of("user_id", userId, "query", question,
                    "query_time", asked)).at("/structuredContent/memories/0/formatted").asText();

            assertThat(List.of(grpc, http, cloudEvent, tool)).as("asked at %s", asked)
                    .allSatisfy(line -> assertThat(line).startsWith(expected));
        });
    }

    @Test
    void nowIsGivenInTheDefaultZoneOnEveryTransport() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        GetTimestampResponse grpc = memory.getTimestamp(GetTimestampRequest.getDefaultInstance());
        JsonPath http = post("GetTimestamp", "{}");
        JsonNode mcp = McpHttpClient.connect(mcpEndpoint).toolResult("get_timestamp", Map.of());

        for (String printed : List.of(grpc.getTimeStamp(), http.getString("time_stamp"),
                mcp.at("/structuredContent/time_stamp").asText())) {
            OffsetDateTime inTokyo = java.time.LocalDateTime.parse(printed).atZone(tokyo).toOffsetDateTime();
            assertThat(Duration.between(inTokyo.toInstant(), Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
        }
        assertThat(mcp.at("/structuredContent/utc_offset").asText()).isEqualTo("+09:00");
        assertThat(mcp.at("/content/0/text").asText()).endsWith("(UTC+09:00)");
    }

    private JsonPath post(String function, String body) {
        return given().baseUri(root.toString()).contentType(ContentType.JSON).body(body)
                .post(function).then().statusCode(200).extract().jsonPath();
    }
}
