package io.lightmem.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.lightmem.client.testing.SharedService;
import io.lightmem.client.testing.Users;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every call of the service through the client, against the real service (memory manager {@code none}). */
@ExtendWith(SharedService.class)
class LightMemClientTest {

    private static final Instant MONDAY = Instant.parse("2024-01-15T10:30:00Z");

    private final LightMemClient memory;

    LightMemClientTest(LightMemClient memory) {
        this.memory = memory;
    }

    @Test
    void addReturnsTheStoredMemoriesAndRetrieveFindsThemFormattedForAPrompt() {
        String user = Users.fresh("add");

        List<Memory> stored = memory.add(user, List.of(
                Message.user("My favorite color is blue.", MONDAY),
                Message.assistant("Blue is a great color!", MONDAY.plusSeconds(5))));

        // Without an LLM each user message is a memory as it is (messages-use user_only).
        assertThat(stored).singleElement().satisfies(added -> {
            assertThat(added.text()).isEqualTo("My favorite color is blue.");
            assertThat(added.userId()).isEqualTo(user);
            assertThat(added.time()).isEqualTo(MONDAY);
            assertThat(added.weekday()).isEqualTo("Mon");
            assertThat(added.formatted()).isEqualTo("2024-01-15T10:30:00.000 Mon My favorite color is blue.");
        });
        List<RetrievedMemory> found = memory.retrieve(user, "What is the user's favorite color?", 5);
        assertThat(found).singleElement().satisfies(hit -> {
            assertThat(hit.formatted()).isEqualTo("2024-01-15T10:30:00.000 Mon My favorite color is blue.");
            assertThat(hit.memory().id()).isEqualTo(stored.get(0).id());
            assertThat(hit.score()).isBetween(0.3, 1.0);
        });
    }

    @Test
    void aMessageKeepsTheOffsetItWasSaidAtAndItsSpeaker() {
        String user = Users.fresh("speaker");
        OffsetDateTime tokyoMorning = OffsetDateTime.parse("2024-01-15T10:30:00+09:00");

        memory.add(user, List.of(Message.user("I adopted a cat.", tokyoMorning).withSpeaker("u-7", "Caroline"),
                Message.user("I bought a bike.", tokyoMorning.plusMinutes(1)).withSpeaker("u-8", "Melanie")));

        List<RetrievedMemory> caroline = memory.retrieve(user, "pets", 10,
                RetrieveOptions.defaults().speakerName("Caroline").strategy(RetrieveStrategy.HYBRID));
        assertThat(caroline).singleElement().satisfies(hit -> {
            assertThat(hit.memory().speakerId()).isEqualTo("u-7");
            // The speaker is a field of its own; the text stays as it was said (verbatim-speaker is off).
            assertThat(hit.memory().speakerName()).isEqualTo("Caroline");
            assertThat(hit.memory().text()).isEqualTo("I adopted a cat.");
            assertThat(hit.memory().time()).isEqualTo(tokyoMorning.toInstant());
        });
        assertThat(memory.retrieve(user, "bike", 10, RetrieveOptions.defaults()
                .between(tokyoMorning.toInstant().plusSeconds(30), tokyoMorning.toInstant().plusSeconds(3600))))
                .extracting(hit -> hit.memory().speakerName()).containsExactly("Melanie");
    }

    @Test
    void anAddWithTheSameRequestIdIsAcceptedOnce() {
        String user = Users.fresh("request-id");
        List<Message> messages = List.of(Message.user("I live in Lisbon.", MONDAY));
        AddOptions once = AddOptions.defaults().requestId("order-" + UUID.randomUUID());

        AddResult first = memory.addMemory(user, messages, once);
        AddResult again = memory.addMemory(user, messages, once);

        assertThat(first.repeatedRequest()).isFalse();
        assertThat(again.repeatedRequest()).isTrue();
        assertThat(again.messageIds()).isEqualTo(first.messageIds());
        assertThat(memory.listMemories(user, 100, null).memories()).hasSize(1);
    }

    @Test
    void memoriesAreListedPageByPageFetchedByIdAndDeleted() {
        String user = Users.fresh("pages");
        for (int i = 0; i < 3; i++) {
            memory.add(user, List.of(Message.user("Fact number " + i + ".", MONDAY.plusSeconds(60L * i))));
        }

        MemoryPage first = memory.listMemories(user, 2, null);
        MemoryPage second = memory.listMemories(user, 2, first.next().orElseThrow());

        assertThat(first.memories()).extracting(Memory::text).containsExactly("Fact number 0.", "Fact number 1.");
        assertThat(second.memories()).extracting(Memory::text).containsExactly("Fact number 2.");
        assertThat(second.next()).isEmpty();
        Memory middle = first.memories().get(1);
        assertThat(memory.getMemory(user, middle.id())).contains(middle);
        assertThat(memory.getMemory(user, UUID.randomUUID().toString())).isEmpty();

        assertThat(memory.deleteMemories(user, List.of(middle.id(), UUID.randomUUID().toString())).deletedMemories())
                .isEqualTo(1);
        assertThat(memory.getMemory(user, middle.id())).isEmpty();
        DeleteResult erased = memory.eraseUser(user);
        assertThat(erased.deletedMemories()).isEqualTo(2);
        assertThat(erased.deletedMessages()).isEqualTo(3);
        assertThat(memory.listMemories(user, 10, null).memories()).isEmpty();
    }

    @Test
    void consolidationCallsAnswerAsTheServiceDoesWithoutAnLlm() {
        String user = Users.fresh("consolidate");
        memory.add(user, List.of(Message.user("I live in New York.", MONDAY),
                Message.user("I moved to San Francisco.", MONDAY.plusSeconds(86_400))));

        UpdateQueueResult queues = memory.constructUpdateQueue(user, 5, 2);
        assertThat(queues.memories()).isEqualTo(2);
        assertThat(queues.queueRows()).isEqualTo(1); // only the later memory has an earlier one
        assertThat(queues.runId()).isPositive();
        assertThat(memory.listHistory(user, null, 0)).isEmpty();
        assertThat(memory.flush(user).memories()).isEmpty();
        assertThat(memory.getUsage(user)).isEmpty();

        assertThatThrownBy(() -> memory.offlineUpdate(user, 0.5)).isInstanceOfSatisfying(LightMemException.class,
                refused -> {
                    assertThat(refused.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(refused.retryable()).isFalse();
                    assertThat(refused.operation()).isEqualTo("OfflineUpdate");
                });
        assertThatThrownBy(() -> memory.undoChange(user, 4242)).isInstanceOfSatisfying(LightMemException.class,
                refused -> assertThat(refused.code()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void theInstanceDescribesItself() {
        InstanceInfo instance = memory.showInstance();
        ServerTime time = memory.getTimestamp();

        assertThat(instance.memoryManager()).isEqualTo("none");
        assertThat(instance.config()).containsEntry("lightmem.role", "all");
        assertThat(instance.version()).isNotBlank();
        assertThat(time.formatted()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}");
        assertThat(time.weekday()).isIn("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
        assertThat(Duration.between(time.now(), Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void asynchronousCallsComposeAndFailWithTheSameException() throws Exception {
        String user = Users.fresh("async");

        List<RetrievedMemory> found = memory.addAsync(user, List.of(Message.user("My dog is called Rex.", MONDAY)))
                .thenCompose(stored -> memory.retrieveAsync(user, "dog's name", 3))
                .get(30, TimeUnit.SECONDS);
        assertThat(found).extracting(RetrievedMemory::formatted)
                .containsExactly("2024-01-15T10:30:00.000 Mon My dog is called Rex.");
        assertThat(memory.getMemoryAsync(user, found.get(0).memory().id()).get(30, TimeUnit.SECONDS)).isPresent();

        assertThatThrownBy(() -> memory.retrieveAsync("not a valid id!", "dog", 3).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(LightMemException.class, refused -> {
                    assertThat(refused.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(refused.field()).contains("user_id");
                });
    }
}
