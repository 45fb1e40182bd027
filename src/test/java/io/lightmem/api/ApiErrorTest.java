package io.lightmem.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.lightmem.BusyException;
import io.lightmem.ErrorKind;
import io.lightmem.FailedPreconditionException;
import io.lightmem.InvalidArgumentException;
import io.lightmem.NotFoundException;
import io.lightmem.StorageException;
import io.lightmem.UnavailableException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** One classification of failures for every protocol front. */
class ApiErrorTest {

    @Test
    void serviceExceptionsKeepTheirMessageAndField() {
        ApiError invalid = ApiError.of(new InvalidArgumentException("messages[1].role", "required: user or assistant"));
        assertThat(invalid).isEqualTo(new ApiError(ErrorKind.INVALID_ARGUMENT,
                "messages[1].role: required: user or assistant", "messages[1].role"));
        assertThat(ApiError.of(new NotFoundException("memory x does not exist")).kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(ApiError.of(new FailedPreconditionException("no LLM")).kind())
                .isEqualTo(ErrorKind.FAILED_PRECONDITION);
        assertThat(ApiError.of(new BusyException("locked")).kind()).isEqualTo(ErrorKind.BUSY);
    }

    @Test
    void onlyAnUnreachableDatabaseIsUnavailable() {
        ApiError down = ApiError.of(new StorageException("cannot append", new SQLException("refused", "08001")));
        assertThat(down.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(down.message()).startsWith("storage is unavailable, retry later");

        ApiError broken = ApiError.of(new StorageException("cannot append", new SQLException("syntax", "42601")));
        assertThat(broken.kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(broken.message()).doesNotContain("syntax").contains("reference");
    }

    @Test
    void transientDatabaseFailuresAreRetryableWithAHint() {
        // The pool gave up waiting for a connection (Agroal's message, no SQLSTATE).
        assertTransient(new SQLException("Sorry, acquisition timeout!"), ErrorKind.UNAVAILABLE);
        assertTransient(new SQLException("terminating connection due to administrator command", "57P01"),
                ErrorKind.UNAVAILABLE);
        assertTransient(new SQLException("sorry, too many clients already", "53300"), ErrorKind.UNAVAILABLE);
        assertTransient(new SQLException("canceling statement due to statement timeout", "57014"),
                ErrorKind.UNAVAILABLE);
        assertTransient(new SQLException("idle-in-transaction timeout", "25P03"), ErrorKind.UNAVAILABLE);
        assertTransient(new SQLException("deadlock detected", "40P01"), ErrorKind.BUSY);
        assertTransient(new SQLException("could not serialize access", "40001"), ErrorKind.BUSY);
        assertTransient(new SQLException("canceling statement due to lock timeout", "55P03"), ErrorKind.BUSY);

        assertThat(new StorageException("x", new SQLException("deadlock detected", "40P01")).conflict()).isTrue();
        assertThat(new StorageException("x", new SQLException("lock timeout", "55P03")).conflict()).isFalse();
        assertThat(ApiError.of(new StorageException("x", new SQLException("unique", "23505"))).retryAfter()).isNull();
    }

    private static void assertTransient(SQLException cause, ErrorKind kind) {
        ApiError error = ApiError.of(new StorageException("cannot store", cause));
        assertThat(error.kind()).as(cause.getMessage()).isEqualTo(kind);
        assertThat(error.retryAfterSeconds()).as(cause.getMessage()).isEqualTo(1L);
    }

    @Test
    void anUnreachableModelServiceIsUnavailable() {
        ApiError error = ApiError.of(new UnavailableException("the model service at models:9000 did not answer",
                Status.UNAVAILABLE.asRuntimeException()));
        assertThat(error.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(error.message()).contains("models:9000").endsWith("retry later");
    }

    @Test
    void unexpectedFailuresLeakNothing() {
        ApiError error = ApiError.of(new IllegalStateException("password=hunter2 in jdbc:postgresql://db"));
        assertThat(error.kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(error.message()).doesNotContain("hunter2", "IllegalStateException").contains("reference");
        assertThat(error.kind().retryable()).isTrue();
        assertThat(ErrorKind.INVALID_ARGUMENT.retryable()).isFalse();
    }
}
