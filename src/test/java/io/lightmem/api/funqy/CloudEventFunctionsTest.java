package io.lightmem.api.funqy;

import static io.lightmem.api.funqy.CloudEventsClient.event;
import static io.lightmem.testing.Conversations.newUser;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.lightmem.api.funqy.CloudEventsClient.Mode;
import io.lightmem.api.funqy.CloudEventsClient.Reply;
import io.lightmem.testing.Rows;
import io.lightmem.testing.TestDatabase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The functions as Knative CloudEvents (binary and structured mode, sent by the CloudEvents SDK to the
 * service root, as a Trigger delivers them): io.lightmem.v1.&lt;Function&gt; in,
 * io.lightmem.v1.&lt;Function&gt;.response or io.lightmem.v1.error back.
 */
@QuarkusTest
class CloudEventFunctionsTest {

    @TestHTTPResource("/")
    URI root;

    final DataSource dataSource = TestDatabase.dataSource();

    CloudEventsClient events;

    @BeforeEach
    void client() {
        events = new CloudEventsClient(root);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anAddedMessageIsRetrievedAndRepliesCarryTheResponseTypeAndSource(Mode mode) {
        Mode other = mode == Mode.BINARY ? Mode.STRUCTURED : Mode.BINARY;
        String userId = newUser();

        Reply added = events.send(event("io.lightmem.v1.AddMemory", """
                {"user_id": "%s", "messages": [
                  {"role": "user", "content": "My cat is called Miso.", "time_stamp": "2024-03-02T18:00:00"}]}
                """.formatted(userId)), mode);

        assertThat(added.status()).isEqualTo(200);
        assertReply(added.event(), "io.lightmem.v1.AddMemory.response", "/lightmem/AddMemory");
        assertThat(added.contentType()).startsWith(mode == Mode.BINARY ? "application/json" : "application/cloudevents+json");
        assertThat(added.data().at("/entries/0/memory").asText()).isEqualTo("My cat is called Miso.");
        assertThat(added.data().at("/message_ids")).hasSize(1);

        Reply found = events.send(event("io.lightmem.v1.Retrieve", """
                {"user_id": "%s", "query": "What is the cat's name?", "limit": 3}
                """.formatted(userId)), other);

        assertThat(found.status()).isEqualTo(200);
        assertReply(found.event(), "io.lightmem.v1.Retrieve.response", "/lightmem/Retrieve");
        assertThat(found.data().at("/memories/0/entry/memory").asText()).isEqualTo("My cat is called Miso.");
        assertThat(found.data().at("/formatted/0").asText()).isEqualTo("2024-03-02T18:00:00.000 Sat My cat is called Miso.");
        assertThat(found.data().at("/strategy").asText()).isEqualTo("RETRIEVE_STRATEGY_HYBRID");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aRedeliveredEventIsNotStoredTwice(Mode mode) {
        Mode other = mode == Mode.BINARY ? Mode.STRUCTURED : Mode.BINARY;
        String userId = newUser();
        CloudEvent sent = event("io.lightmem.v1.AddMemory", """
                {"user_id": "%s", "messages": [
                  {"role": "user", "content": "My cat is called Miso.", "time_stamp": "2024-03-02T18:00:00"}]}
                """.formatted(userId));

        Reply first = events.send(sent, mode);
        // At-least-once delivery: the broker sends the same event (same source and id) again.
        Reply redelivered = events.send(sent, other);
        // Another event with the same data is another request.
        Reply another = events.send(CloudEventBuilder.v1(sent).withId(sent.getId() + "-2").build(), mode);

        assertThat(first.data().get("repeated_request").asBoolean()).isFalse();
        assertThat(redelivered.status()).isEqualTo(200);
        assertReply(redelivered.event(), "io.lightmem.v1.AddMemory.response", "/lightmem/AddMemory");
        assertThat(redelivered.data().get("repeated_request").asBoolean()).isTrue();
        assertThat(redelivered.data().get("message_ids")).isEqualTo(first.data().get("message_ids"));
        assertThat(another.data().get("repeated_request").asBoolean()).isFalse();
        assertThat(Rows.strings(dataSource, "SELECT content FROM message_log WHERE user_id = ?", userId))
                .containsExactly("My cat is called Miso.", "My cat is called Miso.");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anInvalidEventRepliesWithAnErrorEventAnd200SoTheBrokerRoutesItAndDoesNotRetry(Mode mode) {
        String userId = newUser();
        CloudEvent sent = event("io.lightmem.v1.AddMemory", """
                {"user_id": "%s", "messages": [
                  {"role": "user", "content": "fine", "time_stamp": "2024-01-15T10:30:00"},
                  {"role": "user", "content": "not fine", "time_stamp": "yesterday at noon"}]}
                """.formatted(userId));

        Reply reply = events.send(sent, mode);

        assertThat(reply.status()).isEqualTo(200);
        assertReply(reply.event(), "io.lightmem.v1.error", "/lightmem/AddMemory");
        assertThat(reply.event().getDataContentType()).isEqualTo("application/problem+json");
        JsonNode problem = reply.data();
        assertThat(problem.get("type").asText()).isEqualTo("urn:lightmem:problem:invalid-argument");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(problem.get("field").asText()).isEqualTo("messages[1].time_stamp");
        assertThat(problem.get("detail").asText()).contains("'yesterday at noon'");
        assertThat(problem.get("operation").asText()).isEqualTo("AddMemory");
        assertThat(problem.get("event_id").asText()).isEqualTo(sent.getId());
        assertThat(problem.get("event_source").asText()).isEqualTo("/tests/funqy");
        assertThat(problem.get("event_type").asText()).isEqualTo("io.lightmem.v1.AddMemory");
        // Nothing of the rejected event was stored.
        assertThat(Rows.strings(dataSource, "SELECT content FROM message_log WHERE user_id = ?", userId)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aFailedPreconditionIsAnErrorEventToo(Mode mode) {
        Reply reply = events.send(event("io.lightmem.v1.OfflineUpdate", "{\"user_id\": \"%s\"}".formatted(newUser())),
                mode);

        assertThat(reply.status()).isEqualTo(200);
        assertReply(reply.event(), "io.lightmem.v1.error", "/lightmem/OfflineUpdate");
        assertThat(reply.data().get("code").asText()).isEqualTo("FAILED_PRECONDITION");
        assertThat(reply.data().get("status").asInt()).isEqualTo(409);
        assertThat(reply.data().get("detail").asText()).contains("memory manager is 'none'");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void dataThatIsNotTheRequestIs400UnparsableWithTheErrorEventAsBody(Mode mode) {
        Reply reply = events.send(event("io.lightmem.v1.Retrieve", "{\"user_id\": \"u\", \"limit\": \"ten\"}"), mode);

        // 400 is the Knative contract's "unparsable event": not retried, dead-lettered with this body.
        assertThat(reply.status()).isEqualTo(400);
        assertReply(reply.event(), "io.lightmem.v1.error", "/lightmem/Retrieve");
        assertThat(reply.data().get("field").asText()).isEqualTo("limit");
        assertThat(reply.data().get("detail").asText()).isEqualTo("limit: 'ten' is not an integer");
    }

    @Test
    void malformedJsonDataIs400() {
        Reply reply = events.send(event("io.lightmem.v1.AddMemory", "{\"user_id\": "), Mode.BINARY);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.event().getType()).isEqualTo("io.lightmem.v1.error");
        assertThat(reply.data().get("field").asText()).isEqualTo("data");
        assertThat(reply.data().get("detail").asText()).startsWith("data: not valid JSON");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anEventWithoutDataIs400(Mode mode) {
        // What a PingSource sends without spec.data: the functions need at least {}.
        Reply reply = events.send(event("io.lightmem.v1.RunConsolidation", null), mode);

        assertThat(reply.status()).isEqualTo(400);
        assertReply(reply.event(), "io.lightmem.v1.error", "/lightmem/RunConsolidation");
        assertThat(reply.data().get("detail").asText()).startsWith("data: required");
    }

    @Test
    void anEventNoFunctionHandlesIsAnErrorEvent() {
        CloudEvent sent = event("io.lightmem.v1.Forget", "{}");

        Reply reply = events.send(sent, Mode.STRUCTURED);

        assertThat(reply.status()).isEqualTo(200);
        assertReply(reply.event(), "io.lightmem.v1.error", "/lightmem");
        assertThat(reply.data().get("field").asText()).isEqualTo("type");
        assertThat(reply.data().get("detail").asText()).contains("'io.lightmem.v1.Forget'");
    }

    @Test
    void aStructuredEventWithoutItsRequiredAttributesIs400() {
        Reply reply = events.sendRaw(Map.of("Content-Type", "application/cloudevents+json"),
                "{\"specversion\": \"1.0\", \"source\": \"/tests\", \"id\": \"1\", \"data\": {}}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.event().getType()).isEqualTo("io.lightmem.v1.error");
        assertThat(reply.data().get("detail").asText()).isEqualTo("event: not a CloudEvent, missing type");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void runConsolidationDoesTheScheduledPassOverDueUsers(Mode mode) {
        String userId = newUser();
        String[] facts = {"User likes tea.", "User likes green tea.", "User drinks tea daily."};
        for (int day = 0; day < facts.length; day++) {
            events.send(event("io.lightmem.v1.AddMemory", """
                    {"user_id": "%s", "messages": [{"role": "user", "content": "%s", "time_stamp": "2024-01-0%dT10:00:00"}]}
                    """.formatted(userId, facts[day], day + 1)), Mode.BINARY);
        }

        // Other tests' users are due too; a pass takes at most max-users-per-run of them, longest waiting first.
        Reply reply;
        int passes = 0;
        do {
            reply = events.send(event("io.lightmem.v1.RunConsolidation", "{}"), mode);
            assertThat(reply.status()).isEqualTo(200);
            assertReply(reply.event(), "io.lightmem.v1.RunConsolidation.response", "/lightmem/RunConsolidation");
            assertThat(reply.data().get("failed").asInt()).isZero();
            passes++;
        } while (queueRows(userId) == 0 && reply.data().get("more_due").asBoolean() && passes < 50);

        assertThat(queueRows(userId)).isEqualTo(3); // 0 + 1 + 2 earlier candidates
        assertThat(reply.data().get("consolidated").asInt()).isPositive();
        // The user is no longer due: the next pass does not rebuild their queues.
        String lastRun = lastConstructRun(userId);
        events.send(event("io.lightmem.v1.RunConsolidation", "{}"), mode);
        assertThat(lastConstructRun(userId)).isEqualTo(lastRun);
    }

    private static void assertReply(CloudEvent reply, String type, String source) {
        assertThat(reply).as("a reply event").isNotNull();
        assertThat(reply.getType()).isEqualTo(type);
        assertThat(reply.getSource()).hasToString(source);
        assertThat(reply.getId()).isNotBlank();
        assertThat(reply.getSpecVersion().toString()).isEqualTo("1.0");
    }

    private int queueRows(String userId) {
        return Integer.parseInt(Rows.strings(dataSource, "SELECT count(*) FROM update_queue WHERE user_id = ?", userId)
                .get(0));
    }

    private String lastConstructRun(String userId) {
        return Rows.strings(dataSource, "SELECT max(run_id)::text FROM consolidation_run WHERE user_id = ?"
                + " AND kind = 'construct'", userId).get(0);
    }
}
