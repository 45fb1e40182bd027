package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.assistant;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.containsString;

import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.Rows;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * AddMemory with a request_id (AIP-155): a client that retries after a lost response, or a broker
 * that redelivers, gets the first answer back and stores nothing twice.
 */
@QuarkusTest
class RetriedAddTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Inject
    AgroalDataSource dataSource;

    private static AddMemoryRequest turn(String userId, String requestId, String said, String time) {
        return add(userId, user(said, time), assistant("Noted.", time)).toBuilder().setRequestId(requestId).build();
    }

    @Test
    void aRetryGetsTheFirstMessageIdsAndStoresNothingAgain() {
        String userId = newUser();
        AddMemoryResponse first = memory.addMemory(turn(userId, "req-1", "I keep bees in my garden.",
                "2024-03-01T09:00:00"));
        // A client that stamps the current time on each attempt still sends the same request.
        AddMemoryResponse retry = memory.addMemory(turn(userId, "req-1", "I keep bees in my garden.",
                "2024-03-01T09:00:07"));

        assertThat(first.getRepeatedRequest()).isFalse();
        assertThat(first.getMessageIdsList()).hasSize(2);
        assertThat(retry.getRepeatedRequest()).isTrue();
        assertThat(retry.getMessageIdsList()).isEqualTo(first.getMessageIdsList());
        assertThat(retry.getEntriesList()).isEmpty();
        assertThat(count("message_log", userId)).isEqualTo(2);
        assertThat(memories(userId)).containsExactly("I keep bees in my garden.");
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("lightmem_add_repeated_total"));
    }

    @Test
    void withoutARequestIdEveryRequestIsNew() {
        String userId = newUser();
        memory.addMemory(add(userId, user("I keep bees.", "2024-03-01T09:00:00")));
        AddMemoryResponse again = memory.addMemory(add(userId, user("I keep bees.", "2024-03-01T09:00:00")));

        assertThat(again.getRepeatedRequest()).isFalse();
        assertThat(count("message_log", userId)).isEqualTo(2);
    }

    @Test
    void aRequestIdReusedForOtherMessagesIsRefusedAndWritesNothing() {
        String userId = newUser();
        memory.addMemory(turn(userId, "req-1", "I keep bees in my garden.", "2024-03-01T09:00:00"));

        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, () -> memory.addMemory(
                turn(userId, "req-1", "I moved to Lisbon.", "2024-03-02T09:00:00")));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription())
                .contains("request_id", "'req-1' was already used by this user for different messages");
        assertThat(count("message_log", userId)).isEqualTo(2);
        assertThat(memories(userId)).containsExactly("I keep bees in my garden.");
    }

    @Test
    void requestIdsAreScopedByUser() {
        String alice = newUser();
        String bob = newUser();
        memory.addMemory(turn(alice, "shared-id", "I keep bees.", "2024-03-01T09:00:00"));

        AddMemoryResponse bobs = memory.addMemory(turn(bob, "shared-id", "I play the oboe.", "2024-03-01T09:00:00"));

        assertThat(bobs.getRepeatedRequest()).isFalse();
        assertThat(memories(bob)).containsExactly("I play the oboe.");
    }

    @Test
    void malformedRequestIdsAreRefused() {
        String userId = newUser();
        for (String bad : List.of("has space", "x".repeat(129), "tab\tid", "é")) {
            StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                    () -> memory.addMemory(turn(userId, bad, "I keep bees.", "2024-03-01T09:00:00")));
            assertThat(error.getStatus().getCode()).as(bad).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.getStatus().getDescription()).as(bad)
                    .startsWith("request_id: must be 1 to 128 visible ASCII characters");
        }
        assertThat(count("message_log", userId)).isZero();
        assertThat(memory.addMemory(turn(userId, "x".repeat(128), "I keep bees.", "2024-03-01T09:00:00"))
                .getMessageIdsCount()).isEqualTo(2);
    }

    @Test
    void concurrentTwinsAreAcceptedOnce() throws Exception {
        String userId = newUser();
        AddMemoryRequest request = turn(userId, "twin", "I keep bees in my garden.", "2024-03-01T09:00:00");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<AddMemoryResponse>> twins = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                twins.add(() -> memory.addMemory(request));
            }
            List<AddMemoryResponse> responses = new ArrayList<>();
            for (Future<AddMemoryResponse> response : pool.invokeAll(twins)) {
                responses.add(response.get());
            }

            assertThat(responses).extracting(AddMemoryResponse::getMessageIdsList)
                    .containsOnly(responses.get(0).getMessageIdsList());
            assertThat(responses).filteredOn(response -> !response.getRepeatedRequest()).hasSize(1);
            assertThat(count("message_log", userId)).isEqualTo(2);
            assertThat(memories(userId)).containsExactly("I keep bees in my garden.");
        } finally {
            pool.shutdownNow();
        }
    }

    private int count(String table, String userId) {
        return Integer.parseInt(Rows.strings(dataSource, "SELECT count(*) FROM " + table + " WHERE user_id = ?", userId)
                .get(0));
    }

    private List<String> memories(String userId) {
        return Rows.strings(dataSource, "SELECT memory FROM memory_entry WHERE user_id = ? ORDER BY memory", userId);
    }
}
