package io.lightmem.api.funqy;

import static io.lightmem.api.funqy.HttpFunctionsTest.call;
import static io.lightmem.api.funqy.HttpFunctionsTest.problem;
import static io.lightmem.testing.Conversations.newUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.agroal.api.AgroalDataSource;
import io.lightmem.api.funqy.CloudEventsClient.Mode;
import io.lightmem.api.funqy.CloudEventsClient.Reply;
import io.lightmem.testing.Rows;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Strict input over the JSON surface (functions and CloudEvents): one reading of every body, whatever
 * a gateway in front reads — no overlong or otherwise malformed UTF-8, no duplicate keys, nothing
 * after the request, no value converted from another type — and text the database cannot store
 * (NUL) is a 400 naming the field, not a 500 that a broker would redeliver for ever.
 */
@QuarkusTest
class StrictJsonInputTest {

    @TestHTTPResource("/")
    URI root;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void anOverlongUtf8UserIdIsRefusedNotReadAsAnotherUser() {
        // C1 A1 is an overlong encoding of 'a': a lenient decoder reads "alice".
        byte[] body = bytes("{\"user_id\": \"", new byte[] {(byte) 0xC1, (byte) 0xA1}, "lice\", \"query\": \"tea\"}");
        problem(post("Retrieve", body), 400, "invalid-argument", "user_id")
                .body("detail", containsString("not valid UTF-8"));
    }

    @Test
    void invalidUtf8InsideAMessageNamesTheField() {
        String userId = newUser();
        byte[] body = bytes("{\"user_id\": \"" + userId + "\", \"messages\": [{\"role\": \"user\", \"content\": \"tea",
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\", \"time_stamp\": \"2024-01-15T10:30:00\"}]}");
        problem(post("AddMemory", body), 400, "invalid-argument", "messages[0].content");
        assertThat(storedMessages(userId)).isZero();
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        String userId = newUser();
        problem(call("AddMemory", """
                {"user_id": "%s", "user_id": "mallory", "messages": [
                  {"role": "user", "content": "tea", "time_stamp": "2024-01-15T10:30:00"}]}""".formatted(userId)),
                400, "invalid-argument", "user_id");
        problem(call("AddMemory", """
                {"user_id": "%s", "messages": [
                  {"role": "user", "content": "tea", "content": "coffee", "time_stamp": "2024-01-15T10:30:00"}]}"""
                .formatted(userId)), 400, "invalid-argument", "messages[0].content");
        assertThat(storedMessages(userId)).isZero();
    }

    @Test
    void contentAfterTheRequestIsRefused() {
        String userId = newUser();
        problem(call("AddMemory", """
                {"user_id": "%s", "messages": [
                  {"role": "user", "content": "tea", "time_stamp": "2024-01-15T10:30:00"}]} {"user_id": "x"}"""
                .formatted(userId)), 400, "invalid-argument", "body");
        assertThat(storedMessages(userId)).isZero();
    }

    @Test
    void aValueOfAnotherTypeIsRefusedNotConverted() {
        String userId = newUser();
        problem(call("Retrieve", "{\"user_id\": 123, \"query\": \"tea\"}"), 400, "invalid-argument", "user_id");
        problem(call("AddMemory", """
                {"user_id": "%s", "messages": [{"role": "user", "content": true, "time_stamp": "2024-01-15T10:30:00"}]}"""
                .formatted(userId)), 400, "invalid-argument", "messages[0].content");
        problem(call("DeleteMemories", "{\"user_id\": \"%s\", \"all\": 1}".formatted(userId)), 400, "invalid-argument",
                "all");
        problem(call("Retrieve", "{\"user_id\": \"%s\", \"query\": \"tea\", \"limit\": \"5\"}".formatted(userId)), 400,
                "invalid-argument", "limit");
        assertThat(storedMessages(userId)).isZero();
    }

    @Test
    void aNulInTextIsA400NamingTheField() {
        String userId = newUser();
        problem(call("AddMemory", """
                {"user_id": "%s", "messages": [
                  {"role": "user", "content": "tea\\u0000", "time_stamp": "2024-01-15T10:30:00"}]}""".formatted(userId)),
                400, "invalid-argument", "messages[0].content");
        problem(call("Retrieve", "{\"user_id\": \"%s\", \"query\": \"tea\", \"filter\": {\"speaker_name\": \"\\u0000\"}}"
                .formatted(userId)), 400, "invalid-argument", "filter.speaker_name");
        problem(call("Retrieve", "{\"user_id\": \"%s\", \"query\": \"tea\", \"filter\": {\"time_to\": \"+999999999-01-01T00:00:00\"}}"
                .formatted(userId)), 400, "invalid-argument", "filter.time_to");
        problem(call("Retrieve", "{\"user_id\": \"%s\", \"query\": \"tea\", \"query_time\": \"+999999999-01-01T00:00:00\"}"
                .formatted(userId)), 400, "invalid-argument", "query_time");
        assertThat(storedMessages(userId)).isZero();
    }

    @Test
    void aCloudEventWithANulIsAnsweredAsUnfixableNotRedelivered() {
        String userId = newUser();
        Reply reply = new CloudEventsClient(root).send(CloudEventsClient.event("io.lightmem.v1.AddMemory", """
                {"user_id": "%s", "messages": [
                  {"role": "user", "content": "tea\\u0000", "time_stamp": "2024-01-15T10:30:00"}]}""".formatted(userId)),
                Mode.BINARY);

        // 200 + error event: a failure retrying cannot fix is not redelivered by the broker.
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.event().getType()).isEqualTo("io.lightmem.v1.error");
        assertThat(reply.data().get("field").asText()).isEqualTo("messages[0].content");
        assertThat(storedMessages(userId)).isZero();
    }

    private static ValidatableResponse post(String function, byte[] body) {
        return given().contentType("application/json").body(body).when().post("/" + function).then();
    }

    private static byte[] bytes(String before, byte[] raw, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(raw);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private long storedMessages(String userId) {
        return Long.parseLong(Rows.strings(dataSource, "SELECT count(*) FROM message_log WHERE user_id = ?", userId)
                .get(0));
    }
}
