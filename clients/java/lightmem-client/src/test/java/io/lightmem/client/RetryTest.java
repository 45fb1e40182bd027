package io.lightmem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.lightmem.client.testing.FlakyProxy;
import io.lightmem.client.testing.FlakyProxy.Fault;
import io.lightmem.client.testing.ServiceProcess;
import io.lightmem.client.testing.SharedService;
import io.lightmem.client.testing.Users;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Transient failures between client and the real service, made by a proxy: retried with backoff, and an
 * add whose answer was lost is stored once on the retry.
 */
@ExtendWith(SharedService.class)
class RetryTest {

    private static final Instant NOW = Instant.parse("2024-01-15T10:30:00Z");
    private static final RetryPolicy QUICK = new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(200), 2.0,
            0.2);

    private final ServiceProcess service;
    /** Straight to the service, to see what was stored. */
    private final LightMemClient direct;
    private FlakyProxy proxy;

    RetryTest(ServiceProcess service, LightMemClient direct) {
        this.service = service;
        this.direct = direct;
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = new FlakyProxy(service.grpcPort());
    }

    @AfterEach
    void stopProxy() throws IOException {
        proxy.close();
    }

    @Test
    void aServiceThatIsNotThereYetIsRetriedUntilItAnswers() {
        String user = Users.fresh("retry");
        proxy.failNext(2, Fault.REFUSE);

        try (LightMemClient memory = service.clientVia(proxy.port()).retryPolicy(QUICK).build()) {
            List<Memory> stored = memory.add(user, List.of(Message.user("I play the cello.", NOW)));

            assertThat(stored).extracting(Memory::text).containsExactly("I play the cello.");
        }
        assertThat(proxy.connections()).isEqualTo(3);
        assertThat(direct.listMemories(user, 10, null).memories()).hasSize(1);
    }

    @Test
    void anAddWhoseAnswerWasLostIsStoredOnceWhenRetried() {
        String user = Users.fresh("lost-answer");
        proxy.failNext(1, Fault.CUT_AT_RESPONSE);

        try (LightMemClient memory = service.clientVia(proxy.port()).retryPolicy(QUICK).build()) {
            AddResult result = memory.addMemory(user, List.of(Message.user("I was born in Porto.", NOW),
                    Message.assistant("Porto is lovely.", NOW)), AddOptions.defaults());

            // the first attempt was served (the connection was cut as the answer began): the retry is recognized
            assertThat(result.repeatedRequest()).isTrue();
            assertThat(result.messageIds()).hasSize(2);
        }
        assertThat(proxy.connections()).isEqualTo(2);
        assertThat(direct.listMemories(user, 10, null).memories()).extracting(Memory::text)
                .containsExactly("I was born in Porto.");
    }

    @Test
    void withoutRetriesALostAnswerIsUnavailableAndTheApplicationRetriesWithItsOwnRequestId() {
        String user = Users.fresh("own-request-id");
        proxy.failNext(1, Fault.CUT_AT_RESPONSE);
        AddOptions once = AddOptions.defaults().requestId(UUID.randomUUID().toString());
        List<Message> messages = List.of(Message.user("I drive a blue van.", NOW));

        try (LightMemClient memory = service.clientVia(proxy.port()).retryPolicy(RetryPolicy.none()).build()) {
            LightMemException lost = catchThrowableOfType(LightMemException.class,
                    () -> memory.addMemory(user, messages, once));
            assertThat(lost.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(lost.retryable()).isTrue();

            assertThat(memory.addMemory(user, messages, once).repeatedRequest()).isTrue();
        }
        assertThat(direct.listMemories(user, 10, null).memories()).hasSize(1);
    }

    @Test
    void retriesStopAtMaxAttempts() {
        proxy.failNext(10, Fault.REFUSE);

        try (LightMemClient memory = service.clientVia(proxy.port()).retryPolicy(QUICK).build()) {
            LightMemException unavailable = catchThrowableOfType(LightMemException.class,
                    () -> memory.retrieve(Users.fresh("down"), "anything", 3));

            assertThat(unavailable.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(unavailable.retryable()).isTrue();
            assertThat(unavailable.attempts()).isEqualTo(4);
        }
        assertThat(proxy.connections()).isEqualTo(4);
    }

    @Test
    void noRetryStartsThatTheDeadlineWouldCutOff() {
        proxy.failNext(10, Fault.REFUSE);
        RetryPolicy slow = new RetryPolicy(10, Duration.ofMillis(400), Duration.ofSeconds(5), 2.0, 0.0);

        try (LightMemClient memory = service.clientVia(proxy.port()).retryPolicy(slow)
                .deadline(Duration.ofSeconds(1)).build()) {
            LightMemException unavailable = catchThrowableOfType(LightMemException.class,
                    () -> memory.retrieve(Users.fresh("deadline"), "anything", 3));

            // waits of 400 ms then 800 ms: the second would end past the deadline, so the call ends after two attempts
            assertThat(unavailable.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(unavailable.attempts()).isEqualTo(2);
        }
    }

    @Test
    void anUndoIsNotRepeatedAfterUnavailableBecauseItsAnswerMayHaveBeenLost() {
        proxy.failNext(10, Fault.REFUSE);

        try (LightMemClient memory = service.clientVia(proxy.port()).retryPolicy(QUICK).build()) {
            LightMemException unavailable = catchThrowableOfType(LightMemException.class,
                    () -> memory.undoChange(Users.fresh("undo"), 1));

            assertThat(unavailable.code()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(unavailable.attempts()).isEqualTo(1);
        }
        assertThat(proxy.connections()).isEqualTo(1);
    }
}
