package io.lightmem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.lightmem.v1.GetTimestampRequest;
import io.lightmem.v1.GetTimestampResponse;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the client puts on the wire and reads from it beyond what today's service shows: the
 * authorization header (which the service checks once authentication lands) and field violations in the
 * standard error details. A real gRPC server on loopback records the headers it receives.
 */
class CallMetadataTest {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private final List<Metadata> received = new CopyOnWriteArrayList<>();
    private Server server;

    @BeforeEach
    void startServer() throws Exception {
        ServerInterceptor recorder = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                received.add(headers);
                return next.startCall(call, headers);
            }
        };
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(new ScriptedService(), recorder))
                .build().start();
    }

    @AfterEach
    void stopServer() {
        server.shutdownNow();
    }

    @Test
    void aBearerTokenIsSentAsTheAuthorizationHeaderOfEveryCall() {
        try (LightMemClient memory = client().bearerToken("lm-secret-1").build()) {
            memory.getTimestamp();
            memory.getTimestamp();
        }
        assertThat(received).hasSize(2).allSatisfy(headers ->
                assertThat(headers.getAll(AUTHORIZATION)).containsExactly("Bearer lm-secret-1"));
    }

    @Test
    void aTokenSupplierIsAskedOnEveryCallSoTokensCanRotate() {
        AtomicReference<String> current = new AtomicReference<>("first");
        try (LightMemClient memory = client().bearerToken(current::get).build()) {
            memory.getTimestamp();
            current.set("second");
            memory.getTimestamp();
        }
        assertThat(received).extracting(headers -> headers.get(AUTHORIZATION))
                .containsExactly("Bearer first", "Bearer second");
    }

    @Test
    void withoutATokenNoAuthorizationIsSentAndTheClientDoesNotShowItsToken() {
        try (LightMemClient memory = client().build();
                LightMemClient secret = client().bearerToken("lm-secret-2").build()) {
            memory.getTimestamp();
            assertThat(secret.toString()).doesNotContain("lm-secret-2");
        }
        assertThat(received).singleElement().satisfies(headers -> assertThat(headers.containsKey(AUTHORIZATION))
                .isFalse());
    }

    @Test
    void theFieldOfAnErrorIsReadFromBadRequestDetails() {
        try (LightMemClient memory = client().retryPolicy(RetryPolicy.none()).build()) {
            LightMemException refused = catchThrowableOfType(LightMemException.class,
                    () -> memory.retrieve("alice", "color", 5));

            assertThat(refused.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(refused.field()).contains("filter.time_to");
            assertThat(refused.description()).isEqualTo("the time range is empty");
        }
    }

    private LightMemClient.Builder client() {
        return LightMemClient.builder().target("localhost:" + server.getPort()).plaintext();
    }

    /** Answers the clock, and refuses retrievals with a field violation in the error details. */
    private static final class ScriptedService extends MemoryServiceGrpc.MemoryServiceImplBase {

        @Override
        public void getTimestamp(GetTimestampRequest request, StreamObserver<GetTimestampResponse> answer) {
            answer.onNext(GetTimestampResponse.newBuilder().setTimeStamp("2024-01-15T10:30:00.000").setWeekday("Mon")
                    .setEpochSeconds(1705314600).build());
            answer.onCompleted();
        }

        @Override
        public void retrieve(RetrieveRequest request, StreamObserver<RetrieveResponse> answer) {
            BadRequest violation = BadRequest.newBuilder().addFieldViolations(BadRequest.FieldViolation.newBuilder()
                    .setField("filter.time_to").setDescription("before time_from")).build();
            answer.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                    .setCode(Code.INVALID_ARGUMENT.getNumber()).setMessage("the time range is empty")
                    .addDetails(Any.pack(violation)).build()));
        }
    }
}
