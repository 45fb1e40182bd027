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
import io.lightmem.store.UserLock;
import io.lightmem.testing.Conversations;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A user being consolidated elsewhere: 429 over plain HTTP, and over CloudEvents the error event with
 * the retryable status 429, so a Knative broker retries the event with backoff instead of dropping it.
 */
@QuarkusTest
@TestProfile(BusyFunctionsTest.ShortLockWait.class)
class BusyFunctionsTest {

    public static class ShortLockWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lightmem.consolidation.lock-timeout", "1s");
        }
    }

    @TestHTTPResource("/")
    URI root;

    @Inject
    UserLock userLock;

    @Test
    void aCallThatFindsTheUserLockedIsBusyAndRetryable() throws Exception {
        String userId = newUser();
        call("AddMemory", """
                {"user_id": "%s", "messages": [{"role": "user", "content": "I like chess.", "time_stamp": "2024-01-01T10:00:00"}]}
                """.formatted(userId)).statusCode(200);

        // Another consolidation run of this user holds its lock (in the database, as one on any instance would).
        userLock.underLock(UserLock.Namespace.CONSOLIDATE, Conversations.owner(userId), Duration.ofSeconds(5), () -> {
            problem(call("ConstructUpdateQueue", "{\"user_id\": \"%s\"}".formatted(userId)), 429, "busy", null)
                    .body("code", equalTo("BUSY"))
                    .body("detail", containsString("retry"));

            Reply reply = new CloudEventsClient(root).send(event("io.lightmem.v1.ConstructUpdateQueue",
                    "{\"user_id\": \"%s\"}".formatted(userId)), Mode.BINARY);
            assertThat(reply.status()).isEqualTo(429);
            assertThat(reply.event().getType()).isEqualTo("io.lightmem.v1.error");
            assertThat(reply.data().get("code").asText()).isEqualTo("BUSY");
            return null;
        });

        // Once the lock is free the same call goes through.
        call("ConstructUpdateQueue", "{\"user_id\": \"%s\"}".formatted(userId)).statusCode(200);
    }
}
