package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.memory.SessionTimes;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.Message;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Each invalid input gets INVALID_ARGUMENT naming the field, and stores nothing. */
@QuarkusTest
class InvalidInputTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Test
    void missingUserId() {
        assertInvalid(() -> memory.addMemory(add("", user("hello", "2024-01-15T10:30:00"))), "user_id: required");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setQuery("q").build()), "user_id: required");
    }

    @Test
    void malformedUserId() {
        assertInvalid(() -> memory.addMemory(add("bad user id!", user("hello", "2024-01-15T10:30:00"))), "user_id: must be");
    }

    @Test
    void emptyMessages() {
        assertInvalid(() -> memory.addMemory(AddMemoryRequest.newBuilder().setUserId(newUser()).build()),
                "messages: at least one message is required");
    }

    @Test
    void badTimestampNamesTheMessageAndTheValue() {
        String userId = newUser();
        StatusRuntimeException error = assertInvalid(() -> memory.addMemory(add(userId,
                user("fine", "2024-01-15T10:30:00"),
                user("not fine", "yesterday at noon"))), "messages[1].time_stamp");
        assertThat(error.getStatus().getDescription()).contains("'yesterday at noon'");

        // Nothing of the rejected request was stored, not even its valid first message.
        assertThat(memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("fine").build())
                .getMemoriesList()).isEmpty();
    }

    @Test
    void impossibleDateIsRejected() {
        assertInvalid(() -> memory.addMemory(add(newUser(), user("x", "2023/02/30 (Thu) 10:00"))), "messages[0].time_stamp");
    }

    @Test
    void missingRoleAndBlankContent() {
        assertInvalid(() -> memory.addMemory(add(newUser(),
                Message.newBuilder().setContent("who said this?").setTimeStamp("2024-01-15T10:30:00").build())),
                "messages[0].role");
        assertInvalid(() -> memory.addMemory(add(newUser(), user("   ", "2024-01-15T10:30:00"))), "messages[0].content");
    }

    @Test
    void limitOutOfRange() {
        String userId = newUser();
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("q").setLimit(101).build()),
                "limit: must be between 1 and 100");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("q").setLimit(-1).build()),
                "limit");
    }

    @Test
    void blankQuery() {
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(newUser()).setQuery(" ").build()),
                "query: must not be blank");
    }

    @Test
    void queryTimeOutsideTheYearsTimesFallIn() {
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(newUser()).setQuery("q")
                .setQueryTime(Timestamp.newBuilder().setSeconds(SessionTimes.LATEST.getEpochSecond() + 1)).build()),
                "query_time");
    }

    private static StatusRuntimeException assertInvalid(Runnable call, String expectedMessage) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(error).as("expected INVALID_ARGUMENT").isNotNull();
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription()).contains(expectedMessage);
        return error;
    }
}
