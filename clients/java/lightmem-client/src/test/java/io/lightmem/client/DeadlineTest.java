package io.lightmem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.lightmem.client.testing.FlakyProxy;
import io.lightmem.client.testing.FlakyProxy.Fault;
import io.lightmem.client.testing.ServiceProcess;
import io.lightmem.client.testing.SharedService;
import io.lightmem.client.testing.Users;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** No call waits forever: a service that never answers ends the call at its deadline. */
@ExtendWith(SharedService.class)
class DeadlineTest {

    @Test
    void aServiceThatNeverAnswersFailsTheCallAtItsDeadline(ServiceProcess service) throws Exception {
        try (FlakyProxy proxy = new FlakyProxy(service.grpcPort());
                LightMemClient memory = service.clientVia(proxy.port()).deadline(Duration.ofMillis(500)).build()) {
            proxy.failNext(1, Fault.STALL);

            LightMemException late = catchThrowableOfType(LightMemException.class,
                    () -> memory.retrieve(Users.fresh("stalled"), "anything", 3));

            assertThat(late.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(late.retryable()).isFalse();
            assertThat(late.attempts()).isEqualTo(1);
        }
    }

    @Test
    void anAsynchronousCallEndsAtItsDeadlineToo(ServiceProcess service) throws Exception {
        try (FlakyProxy proxy = new FlakyProxy(service.grpcPort());
                LightMemClient memory = service.clientVia(proxy.port()).build()) {
            proxy.failNext(1, Fault.STALL);

            assertThatThrownBy(() -> memory.withDeadline(Duration.ofMillis(300))
                    .showInstanceAsync().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(LightMemException.class,
                            late -> assertThat(late.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        }
    }
}
