package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Timestamp;
import io.agroal.api.AgroalDataSource;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.lightmem.memory.SessionTimes;
import io.lightmem.testing.Rows;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.Message;
import io.lightmem.v1.RetrieveFilter;
import io.lightmem.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Strict input over gRPC: text that PostgreSQL cannot store or that is not text at all, times out of
 * range, oversized names and invisible "content" are INVALID_ARGUMENT naming the field, and nothing
 * of the request is stored. Before, each of these reached the database (500 / INTERNAL) or gRPC's
 * parser (UNKNOWN, no field).
 */
@QuarkusTest
class StrictGrpcInputTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int grpcPort;

    @Test
    void aNulOrAnotherControlCharacterInAnyTextIsRefusedNamingTheField() {
        String userId = newUser();
        assertInvalid(() -> memory.addMemory(add(userId, user("tea\u0000time", "2024-01-15T10:30:00"))),
                "messages[0].content", "U+0000");
        assertInvalid(() -> memory.addMemory(add(userId, user("tea time", "2024-01-15T10:30:00").toBuilder()
                .setSpeakerName("Ann\u0000").build())), "messages[0].speaker_name", "U+0000");
        assertInvalid(() -> memory.addMemory(add(userId, user("tea time", "2024-01-15T10:30:00").toBuilder()
                .setSpeakerId("id\u001b[31m").build())), "messages[0].speaker_id", "U+001B");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("tea\u0000")
                .build()), "query", "U+0000");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("tea")
                .setFilter(RetrieveFilter.newBuilder().setSpeakerName("A\u0000")).build()), "filter.speaker_name", "U+0000");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("tea")
                .setFilter(RetrieveFilter.newBuilder().setCategory("\u0007")).build()), "filter.category", "U+0007");
        assertThat(storedMessages(userId)).isZero();
    }

    @Test
    void tabsAndLineBreaksAreText() {
        String userId = newUser();
        memory.addMemory(add(userId, user("Shopping list:\r\n\t- tea\n\t- rice", "2024-01-15T10:30:00")));
        assertThat(storedMessages(userId)).isEqualTo(1);
    }

    @Test
    void contentOfInvisibleCharactersOnlyIsBlank() {
        String userId = newUser();
        assertInvalid(() -> memory.addMemory(add(userId, user("\u200b\u200c\u200d\u2060\ufeff", "2024-01-15T10:30:00"))),
                "messages[0].content", "blank");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("\u200b \u3000")
                .build()), "query", "blank");
        assertThat(storedMessages(userId)).isZero();
    }

    @Test
    void everyStringFieldHasALengthCap() {
        String userId = newUser();
        String longName = "n".repeat(129);
        assertInvalid(() -> memory.addMemory(add(userId, user("tea", "2024-01-15T10:30:00").toBuilder()
                .setSpeakerName(longName).build())), "messages[0].speaker_name", "at most 128");
        assertInvalid(() -> memory.addMemory(add(userId, user("tea", "2024-01-15T10:30:00").toBuilder()
                .setSpeakerId(longName).build())), "messages[0].speaker_id", "at most 128");
        assertInvalid(() -> memory.addMemory(add(userId, user("tea", "2024-01-15T10:30:00" + " ".repeat(100)))),
                "messages[0].time_stamp", "at most 64");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("tea")
                .setFilter(RetrieveFilter.newBuilder().setSpeakerName(longName)).build()), "filter.speaker_name",
                "at most 128");
        assertThat(storedMessages(userId)).isZero();
    }

    @Test
    void timesOutsideTheYears1To9999AreRefused() {
        String userId = newUser();
        assertInvalid(() -> memory.addMemory(add(userId, user("tea", "+999999999-12-31T23:59:59"))),
                "messages[0].time_stamp", "");
        assertInvalid(() -> memory.addMemory(add(userId, user("tea", "-999999999-01-01T00:00:00"))),
                "messages[0].time_stamp", "");
        assertInvalid(() -> memory.addMemory(add(userId, user("tea", "10000-01-01T00:00:00"))),
                "messages[0].time_stamp", "");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("tea")
                .setFilter(RetrieveFilter.newBuilder().setTimeTo(Timestamp.newBuilder().setSeconds(9_000_000_000_000_000L)))
                .build()), "filter.time_to", "years 1 to 9999");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("tea")
                .setFilter(RetrieveFilter.newBuilder().setTimeFrom(Timestamp.newBuilder().setSeconds(Long.MIN_VALUE)))
                .build()), "filter.time_from", "years 1 to 9999");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("tea yesterday")
                .setQueryTime(Timestamp.newBuilder().setSeconds(SessionTimes.LATEST.getEpochSecond() + 1)).build()),
                "query_time", "years 1 to 9999");
        assertInvalid(() -> memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("tea yesterday")
                .setQueryTime(Timestamp.newBuilder().setSeconds(0).setNanos(-1)).build()), "query_time", "nanos");
        assertThat(storedMessages(userId)).isZero();
    }

    @Test
    void aStringThatIsNotValidUtf8IsRefusedNamingTheField() throws Exception {
        String userId = newUser();
        // An AddMemory encoded by hand: the second message's content holds an overlong 'a' (C1 A1).
        byte[] valid = add(userId, user("tea", "2024-01-15T10:30:00")).toByteArray();
        byte[] broken = withMessage(valid, Message.newBuilder().setRole(io.lightmem.v1.Role.ROLE_USER)
                .setTimeStamp("2024-01-15T10:30:00").build(), new byte[] {(byte) 0xC1, (byte) 0xA1, 'l', 'i', 'c', 'e'});
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        try {
            MethodDescriptor<byte[], byte[]> raw = MemoryServiceGrpc.getAddMemoryMethod().toBuilder(Utf8Requests.BYTES, Utf8Requests.BYTES).build();
            StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT, broken));
            assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.getStatus().getDescription()).startsWith("messages[1].content: is not valid UTF-8");
        } finally {
            channel.shutdownNow();
        }
        assertThat(storedMessages(userId)).isZero();
    }

    /** {@code request} with one more message whose content is the given bytes, as they are. */
    private static byte[] withMessage(byte[] request, Message message, byte[] content) throws IOException {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.write(message.toByteArray());
        CodedOutputStream out = CodedOutputStream.newInstance(inner);
        out.writeBytes(Message.CONTENT_FIELD_NUMBER, ByteString.copyFrom(content));
        out.flush();
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.write(request);
        CodedOutputStream outer = CodedOutputStream.newInstance(whole);
        outer.writeBytes(AddMemoryRequest.MESSAGES_FIELD_NUMBER, ByteString.copyFrom(inner.toByteArray()));
        outer.flush();
        return whole.toByteArray();
    }

    private long storedMessages(String userId) {
        return Long.parseLong(Rows.strings(dataSource, "SELECT count(*) FROM message_log WHERE user_id = ?", userId)
                .get(0));
    }

    private static void assertInvalid(Runnable call, String field, String problem) {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(error).as("expected INVALID_ARGUMENT naming " + field).isNotNull();
        assertThat(error.getStatus().getCode()).as(error.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription()).startsWith(field + ":").contains(problem);
    }
}
