package io.lightmem.observe;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.StatusRuntimeException;
import io.lightmem.testing.OptionalPartsProfile;
import io.lightmem.testing.OtlpReceiver;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With an OTLP endpoint configured, every pipeline stage reaches the collector as a span of the request's trace. */
@QuarkusTest
@TestProfile(OptionalPartsProfile.class)
class TracingTest {

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    OtlpReceiver collector;

    /** The collector serves every test of the profile; each test here looks only at its own spans. */
    @BeforeEach
    void forgetEarlierSpans() {
        collector.clear();
    }

    @Test
    void addIsOneTraceWithASpanPerStageUnderTheGrpcCall() {
        String userId = newUser();
        memory.addMemory(add(userId, user("I keep bees on my roof in Lisbon.", "2024-05-02T08:00:00"))
                .toBuilder().setForceExtract(true).build());

        Span add = awaitSpan(span -> span.getName().equals("lightmem.add")
                && attribute(span, "lightmem.messages").equals(Optional.of(1L)));
        Span server = spanWithId(add.getParentSpanId().toByteArray());
        assertThat(server.getName()).contains("MemoryService/AddMemory");
        for (String stage : List.of("lightmem.accept", "lightmem.extract", "lightmem.embed", "lightmem.store")) {
            Span child = awaitSpan(span -> span.getName().equals(stage)
                    && span.getParentSpanId().equals(add.getSpanId()));
            assertThat(child.getTraceId()).isEqualTo(add.getTraceId());
        }
    }

    @Test
    void retrieveIsTracedWithItsStrategyAndResultCount() {
        String userId = newUser();
        memory.addMemory(add(userId, user("My sister Ana lives in Porto.", "2024-05-02T08:00:00"))
                .toBuilder().setForceExtract(true).build());
        memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("Where does Ana live?").build());

        Span retrieve = awaitSpan(span -> span.getName().equals("lightmem.retrieve")
                && attribute(span, "lightmem.results").equals(Optional.of(1L)));
        assertThat(retrieve.getAttributesList()).anyMatch(kv -> kv.getKey().equals("lightmem.strategy")
                && kv.getValue().getStringValue().equals("hybrid"));
        awaitSpan(span -> span.getName().equals("lightmem.embed") && span.getParentSpanId().equals(retrieve.getSpanId()));
        awaitSpan(span -> span.getName().equals("lightmem.search") && span.getParentSpanId().equals(retrieve.getSpanId()));
    }

    @Test
    void consolidationRunsAreTraced() {
        String userId = newUser();
        memory.addMemory(add(userId, user("I run every Sunday.", "2024-05-02T08:00:00"))
                .toBuilder().setForceExtract(true).build());
        memory.constructUpdateQueue(ConstructUpdateQueueRequest.newBuilder().setUserId(userId).build());

        Span construct = awaitSpan(span -> span.getName().equals("lightmem.construct_update_queue"));
        assertThat(spanWithId(construct.getParentSpanId().toByteArray()).getName())
                .contains("MemoryService/ConstructUpdateQueue");
    }

    @Test
    void aRejectedAddEndsItsSpanAsAnError() {
        assertThatThrownBy(() -> memory.addMemory(add(newUser(), user(" ", "2024-05-02T08:00:00"))))
                .isInstanceOf(StatusRuntimeException.class);

        Span failed = awaitSpan(span -> span.getName().equals("lightmem.add")
                && span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(failed.getEventsList()).anyMatch(event -> event.getName().equals("exception"));
    }

    /** The exporter sends in batches, so a span arrives shortly after its request returns. */
    private Span awaitSpan(Predicate<Span> wanted) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            Optional<Span> found = collector.spans().stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no such span among " + collector.spans().stream().map(Span::getName).toList());
            }
            sleep();
        }
    }

    private Span spanWithId(byte[] spanId) {
        return awaitSpan(span -> Arrays.equals(span.getSpanId().toByteArray(), spanId));
    }

    private static Optional<Long> attribute(Span span, String key) {
        return span.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst()
                .map(KeyValue::getValue).map(value -> value.getIntValue());
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
