package io.lightmem.api.funqy;

import static io.lightmem.api.funqy.CloudEventsClient.event;
import static io.lightmem.api.funqy.HttpFunctionsTest.call;
import static io.lightmem.api.funqy.HttpFunctionsTest.problem;
import static io.lightmem.testing.Conversations.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.lightmem.api.funqy.CloudEventsClient.Mode;
import io.lightmem.api.funqy.CloudEventsClient.Reply;
import io.lightmem.testing.DatabaseDownProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** With the database unreachable: 503 over plain HTTP; over CloudEvents a retryable 503 with the error event. */
@QuarkusTest
@TestProfile(DatabaseDownProfile.class)
class StorageDownFunctionsTest {

    @TestHTTPResource("/")
    URI root;

    @Test
    void aCallIsUnavailableNotAnInternalError() {
        problem(call("AddMemory", """
                {"user_id": "%s", "messages": [{"role": "user", "content": "hello", "time_stamp": "2024-01-15T10:30:00"}]}
                """.formatted(newUser())), 503, "unavailable", null)
                .body("code", equalTo("UNAVAILABLE"))
                .body("detail", containsString("storage is unavailable"))
                .body("operation", equalTo("AddMemory"))
                .header("Retry-After", "1");
    }

    @Test
    void invalidInputIsStillReportedAsSuch() {
        problem(call("Retrieve", "{\"query\": \"hello\"}"), 400, "invalid-argument", "user_id");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anEventIsAnsweredWithARetryableStatusAndTheErrorEvent(Mode mode) {
        Reply reply = new CloudEventsClient(root).send(event("io.lightmem.v1.Retrieve",
                "{\"user_id\": \"%s\", \"query\": \"hello\"}".formatted(newUser())), mode);

        // 503 is retried by Knative with backoff; the error event is the body it keeps for the dead letter sink.
        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.event().getType()).isEqualTo("io.lightmem.v1.error");
        assertThat(reply.event().getSource()).hasToString("/lightmem/Retrieve");
        assertThat(reply.data().get("code").asText()).isEqualTo("UNAVAILABLE");
    }
}
