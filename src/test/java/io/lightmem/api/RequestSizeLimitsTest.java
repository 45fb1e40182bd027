package io.lightmem.api;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.MemoryServiceGrpc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The documented AddMemory limits (1,000 messages, 131,072 characters each, 262,144 together) are
 * what both transports take: the largest request, in the costliest encoding (3-byte characters;
 * over HTTP every one of them a JSON unicode escape), and its response pass a client with gRPC's
 * default 4 MiB message size and Quarkus's default HTTP body limit; one character more is refused
 * with INVALID_ARGUMENT naming the field, not by the transport.
 */
@QuarkusTest
class RequestSizeLimitsTest {

    /** 131,072 characters of 3 UTF-8 bytes each, with a space now and then so it reads as words. */
    static final String LARGEST_CONTENT = ("語語語語語語語 ").repeat(131_072 / 8 - 1) + "語語語語語語語語";

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int grpcPort;

    @TestHTTPResource("/AddMemory")
    URI addMemory;

    ManagedChannel channel;

    @BeforeEach
    void connect() {
        // A client as it comes: default settings, 4 MiB inbound messages.
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    void theLargestDocumentedAddMemoryAndItsResponsePassGrpcWithDefaultLimits() {
        AddMemoryResponse added = MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS)
                .addMemory(largest(newUser()).build());

        assertThat(LARGEST_CONTENT).hasSize(131_072);
        assertThat(added.getMessageIdsCount()).isEqualTo(2);
        // Compared as a whole, without printing 131,072 characters when it fails.
        assertThat(added.getEntries(0).getOriginalMemory().equals(LARGEST_CONTENT)).as("the text came back whole").isTrue();
    }

    @Test
    void oneCharacterMoreIsRefusedNamingTheField() {
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS)
                        .addMemory(largest(newUser()).addMessages(user("!", "2024-06-02T10:00:00")).build()));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).startsWith("messages: at most 262144 characters");
    }

    @Test
    void theLargestDocumentedAddMemoryPassesHttpEvenWithEveryCharacterEscaped() throws Exception {
        String escaped = escapeAll(LARGEST_CONTENT);
        String body = """
                {"user_id": "%s", "messages": [
                  {"role": "user", "content": "%s", "time_stamp": "2024-06-01T10:00:00"},
                  {"role": "user", "content": "%s", "time_stamp": "2024-06-01T10:00:01"}]}"""
                .formatted(newUser(), escaped, escaped);
        assertThat(body.length()).as("the body in bytes (ASCII)").isGreaterThan(6 * 2 * 131_000);

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(addMemory)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body().substring(0, Math.min(300, response.body().length())))
                .isEqualTo(200);
        assertThat(response.body().contains(LARGEST_CONTENT)).as("the text came back whole").isTrue();
    }

    private static AddMemoryRequest.Builder largest(String userId) {
        return AddMemoryRequest.newBuilder().setUserId(userId)
                .addMessages(user(LARGEST_CONTENT, "2024-06-01T10:00:00"))
                .addMessages(user(LARGEST_CONTENT, "2024-06-01T10:00:01"));
    }

    /** Every character as a JSON unicode escape, as e.g. Python's json.dumps writes non-ASCII by default. */
    private static String escapeAll(String text) {
        StringBuilder escaped = new StringBuilder(text.length() * 6);
        text.chars().forEach(c -> escaped.append(String.format("\\u%04x", c)));
        return escaped.toString();
    }
}
