package io.lightmem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.lightmem.client.testing.SharedService;
import io.lightmem.client.testing.Users;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The service's refusals reach the caller as a {@link LightMemException} naming the status and the field. */
@ExtendWith(SharedService.class)
class ErrorMappingTest {

    private static final Instant NOW = Instant.parse("2024-01-15T10:30:00Z");

    private final LightMemClient memory;

    ErrorMappingTest(LightMemClient memory) {
        this.memory = memory;
    }

    @Test
    void anInvalidUserIdIsRefusedNamingTheFieldAndNotRetried() {
        LightMemException refused = catchThrowableOfType(LightMemException.class,
                () -> memory.add("alice smith", List.of(Message.user("Hello.", NOW))));

        assertThat(refused.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.field()).contains("user_id");
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.attempts()).isEqualTo(1);
        assertThat(refused.operation()).isEqualTo("AddMemory");
        assertThat(refused.description()).startsWith("user_id: ");
        assertThat(refused.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        // the stack trace is the caller's, not a gRPC thread's
        assertThat(refused.getStackTrace()).anySatisfy(frame -> assertThat(frame.getClassName())
                .isEqualTo(ErrorMappingTest.class.getName()));
    }

    @Test
    void aBlankMessageIsRefusedByItsIndexAndNothingIsStored() {
        String user = Users.fresh("blank");

        LightMemException refused = catchThrowableOfType(LightMemException.class, () -> memory.add(user,
                List.of(Message.user("A fine message.", NOW), Message.assistant("   ", NOW))));

        assertThat(refused.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.field()).contains("messages[1].content");
        assertThat(memory.listMemories(user, 10, null).memories()).isEmpty();
    }

    @Test
    void retrievalArgumentsOutOfRangeNameTheirField() {
        String user = Users.fresh("range");

        assertThat(catchThrowableOfType(LightMemException.class, () -> memory.retrieve(user, "color", 101)).field())
                .contains("limit");
        assertThat(catchThrowableOfType(LightMemException.class, () -> memory.retrieve(user, " ", 5)).field())
                .contains("query");
        assertThat(catchThrowableOfType(LightMemException.class,
                () -> memory.retrieve(user, "color", 5, RetrieveOptions.defaults().efSearch(5000))).field())
                .contains("ef_search");
    }

    @Test
    void notFoundAndFailedPreconditionCarryNoFieldAndAreNotRetryable() {
        String user = Users.fresh("missing");

        LightMemException notFound = catchThrowableOfType(LightMemException.class, () -> memory.undoChange(user, 1));
        LightMemException precondition = catchThrowableOfType(LightMemException.class,
                () -> memory.offlineUpdate(user));

        assertThat(notFound.code()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(precondition.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(List.of(notFound, precondition)).allSatisfy(refused -> {
            assertThat(refused.field()).isEmpty();
            assertThat(refused.retryable()).isFalse();
        });
    }
}
