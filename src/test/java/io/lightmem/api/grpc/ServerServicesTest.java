package io.lightmem.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.lightmem.testing.ServiceClients;
import io.lightmem.v1.GetTimestampRequest;
import io.lightmem.v1.GetTimestampResponse;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.ShowInstanceRequest;
import io.lightmem.v1.ShowInstanceResponse;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a grpcurl user or a load balancer sees: health, reflection, instance and time. */
@QuarkusTest
class ServerServicesTest {

    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ServiceClients.channel();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void healthServiceReportsServing() {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.newBuilder().setService("lightmem.v1.MemoryService").build());

        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void healthOfAnUnknownServiceIsNotFoundAndWatchedAsServiceUnknown() {
        HealthCheckRequest unknown = HealthCheckRequest.newBuilder().setService("no.such.Service").build();

        StatusRuntimeException check = catchThrowableOfType(StatusRuntimeException.class,
                () -> HealthGrpc.newBlockingStub(channel).check(unknown));
        assertThat(check.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

        Context.CancellableContext watching = Context.current().withCancellation();
        try {
            Iterator<HealthCheckResponse> updates = watching.call(() -> HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS).watch(unknown));
            assertThat(updates.next().getStatusValue()).as("SERVICE_UNKNOWN").isEqualTo(3);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            watching.cancel(null);
        }
    }

    @Test
    void reflectionIsOffUnlessEnabled() throws Exception {
        // It lists the public port's services; GrpcAuthenticationTest enables it and needs a credential.
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        services.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();

        assertThatThrownBy(() -> services.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StatusRuntimeException.class)
                .cause().extracting(failure -> ((StatusRuntimeException) failure).getStatus().getCode())
                .isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void showInstanceGivesEffectiveConfigurationWithDefaults() {
        ShowInstanceResponse instance = MemoryServiceGrpc.newBlockingStub(channel)
                .showInstance(ShowInstanceRequest.getDefaultInstance());

        assertThat(instance.getMemoryManager()).isEqualTo("none");
        assertThat(instance.getConfigMap())
                .containsEntry("lightmem.memory-manager.model-name", "none")
                .containsEntry("lightmem.messages-use", "user_only")
                .containsEntry("lightmem.text-embedder.dims", "384");
    }

    @Test
    void timestampIsNowInTheMemoryFormat() {
        Instant before = Instant.now();
        GetTimestampResponse now = MemoryServiceGrpc.newBlockingStub(channel)
                .getTimestamp(GetTimestampRequest.getDefaultInstance());

        assertThat(now.getTimeStamp()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}");
        assertThat(now.getWeekday()).isIn("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
        assertThat(now.getEpochSeconds()).isBetween(before.getEpochSecond() - 1.0, before.getEpochSecond() + 60.0);
    }
}
