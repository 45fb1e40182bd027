package io.lightmem.retrieve;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.Message;
import io.lightmem.v1.RetrieveFilter;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import io.lightmem.v1.RetrieveStrategy;
import io.lightmem.v1.RetrievedMemory;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every strategy finds the right memory, honours the filters, and counts each hit once. */
@QuarkusTest
class RetrievalStrategiesTest {

    static final List<String> FACTS = List.of(
            "My favorite color is blue.",
            "I work as a nurse at a hospital in Boston.",
            "My dog Rex loves long walks on the beach.",
            "I am allergic to peanuts and shellfish.",
            "We are planning a trip to Japan next April.",
            "My sister Anna just started a pottery class.");

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @ParameterizedTest
    @EnumSource(value = RetrieveStrategy.class, names = {"RETRIEVE_STRATEGY_EMBEDDING", "RETRIEVE_STRATEGY_CONTEXT",
            "RETRIEVE_STRATEGY_HYBRID"})
    void exactQueryReturnsThatMemoryFirst(RetrieveStrategy strategy) {
        String userId = userWithFacts();
        for (String fact : FACTS) {
            RetrieveResponse found = retrieve(userId, fact, strategy);
            assertThat(found.getStrategy()).isEqualTo(strategy);
            assertThat(found.getMemories(0).getEntry().getMemory()).as(strategy + " for '" + fact + "'").isEqualTo(fact);
        }
    }

    @ParameterizedTest
    @EnumSource(value = RetrieveStrategy.class, names = {"RETRIEVE_STRATEGY_EMBEDDING", "RETRIEVE_STRATEGY_HYBRID"})
    void paraphraseFindsTheMemoryBySense(RetrieveStrategy strategy) {
        String userId = userWithFacts();

        assertThat(first(userId, "Which pet does the user have?", strategy)).contains("dog Rex");
        assertThat(first(userId, "What food can't the user eat?", strategy)).contains("allergic");
        assertThat(first(userId, "Where is the user travelling in spring?", strategy)).contains("Japan");
    }

    @Test
    void contextFindsParaphrasesThatShareKeywords() {
        String userId = userWithFacts();
        RetrieveStrategy context = RetrieveStrategy.RETRIEVE_STRATEGY_CONTEXT;

        // Stemming: "walking" matches "walks", "classes" matches "class".
        assertThat(first(userId, "Who goes walking on beaches?", context)).contains("dog Rex");
        assertThat(first(userId, "Anna's pottery classes", context)).contains("sister Anna");
        assertThat(first(userId, "hospital job in Boston", context)).contains("nurse");
    }

    @ParameterizedTest
    @EnumSource(value = RetrieveStrategy.class, names = {"RETRIEVE_STRATEGY_EMBEDDING", "RETRIEVE_STRATEGY_CONTEXT",
            "RETRIEVE_STRATEGY_HYBRID"})
    void aQuestionNamingTheSpeakerFindsWhatThatSpeakerSaid(RetrieveStrategy strategy) {
        // Verbatim turns rarely name their speaker, and the memory text does not either; the speaker
        // column does: the lexical index holds the name and a question naming Bob raises Bob's memories
        // in the embedding search, so his turn is told from Alice's near-identical one.
        String userId = newUser();
        memory.addMemory(add(userId,
                spoken("Alice", "I finally adopted a pet last weekend!", "2024-02-03T10:00:00"),
                spoken("Bob", "I finally adopted a pet last weekend too!", "2024-02-03T10:05:00"),
                spoken("Alice", "Work has been exhausting lately.", "2024-02-03T10:10:00"),
                spoken("Bob", "I started learning the guitar.", "2024-02-03T10:15:00")));

        RetrievedMemory bob = retrieve(userId, "When did Bob adopt a pet?", strategy).getMemories(0);
        assertThat(bob.getEntry().getMemory()).isEqualTo("I finally adopted a pet last weekend too!");
        assertThat(bob.getEntry().getSpeakerName()).isEqualTo("Bob");
        RetrievedMemory alice = retrieve(userId, "When did Alice adopt a pet?", strategy).getMemories(0);
        assertThat(alice.getEntry().getMemory()).isEqualTo("I finally adopted a pet last weekend!");
        assertThat(alice.getEntry().getSpeakerName()).isEqualTo("Alice");
    }

    @Test
    void contextReturnsNothingWhenNoWordIsShared() {
        String userId = userWithFacts();

        assertThat(retrieve(userId, "quantum chromodynamics", RetrieveStrategy.RETRIEVE_STRATEGY_CONTEXT)
                .getMemoriesList()).isEmpty();
    }

    @Test
    void unspecifiedStrategyIsTheConfiguredDefault() {
        String userId = userWithFacts();

        assertThat(retrieve(userId, "dog", RetrieveStrategy.RETRIEVE_STRATEGY_UNSPECIFIED).getStrategy())
                .isEqualTo(RetrieveStrategy.RETRIEVE_STRATEGY_HYBRID);
    }

    @ParameterizedTest
    @EnumSource(value = RetrieveStrategy.class, names = {"RETRIEVE_STRATEGY_EMBEDDING", "RETRIEVE_STRATEGY_CONTEXT",
            "RETRIEVE_STRATEGY_HYBRID"})
    void filtersApplyToEveryStrategy(RetrieveStrategy strategy) {
        String userId = newUser();
        memory.addMemory(add(userId,
                spoken("Alice", "I love hiking in the Alps.", "2024-01-10T09:00:00"),
                spoken("Bob", "I love hiking in the Rockies.", "2024-06-10T09:00:00"),
                spoken("Alice", "I love hiking in Patagonia.", "2024-09-10T09:00:00")));
        String query = "love hiking";

        assertThat(memories(userId, query, strategy, RetrieveFilter.newBuilder().setSpeakerName("Bob").build()))
                .containsExactly("I love hiking in the Rockies.");
        assertThat(memories(userId, query, strategy, RetrieveFilter.newBuilder()
                .setTimeFrom(ts("2024-03-01T00:00:00Z")).setTimeTo(ts("2024-08-01T00:00:00Z")).build()))
                .containsExactly("I love hiking in the Rockies.");
        assertThat(memories(userId, query, strategy, RetrieveFilter.newBuilder()
                .setSpeakerName("Alice").setTimeFrom(ts("2024-03-01T00:00:00Z")).build()))
                .containsExactly("I love hiking in Patagonia.");
        // Categories come from metadata generation; verbatim memories have none.
        assertThat(memories(userId, query, strategy, RetrieveFilter.newBuilder().setCategory("travel").build()))
                .isEmpty();
        assertThat(memories(userId, query, strategy, RetrieveFilter.getDefaultInstance())).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(value = RetrieveStrategy.class, names = {"RETRIEVE_STRATEGY_EMBEDDING", "RETRIEVE_STRATEGY_CONTEXT",
            "RETRIEVE_STRATEGY_HYBRID"})
    void eachReturnedEntryCountsOneHit(RetrieveStrategy strategy) {
        String userId = userWithFacts();
        String query = "My dog Rex loves long walks on the beach.";

        retrieve(userId, query, strategy);
        RetrieveResponse second = retrieve(userId, query, strategy);

        // hybrid finds the entry through both lists, yet it was returned once per call.
        assertThat(second.getMemories(0).getEntry().getHitTime()).isEqualTo(2);
        assertThat(second.getFormatted(0)).isEqualTo(second.getMemories(0).getEntry().getFormatted());
    }

    @Test
    void efSearchOutsideItsBoundsIsRejectedNamingTheField() {
        String userId = userWithFacts();
        for (int bad : new int[] {-1, 1001}) {
            StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, () -> memory.retrieve(
                    RetrieveRequest.newBuilder().setUserId(userId).setQuery("dog").setEfSearch(bad).build()));
            assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(error.getStatus().getDescription()).startsWith("ef_search: must be between 1 and 1000");
        }
    }

    @Test
    void efSearchWithinBoundsIsAccepted() {
        String userId = userWithFacts();

        RetrieveResponse found = memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId)
                .setQuery("My favorite color is blue.").setEfSearch(1).setLimit(3).build());

        // ef_search is raised to the limit, so a small value never truncates the result.
        assertThat(found.getMemoriesCount()).isEqualTo(3);
        assertThat(found.getMemories(0).getEntry().getMemory()).isEqualTo("My favorite color is blue.");
    }

    @Test
    void unknownStrategyIsRejectedNamingTheField() {
        StatusRuntimeException error = catchThrowableOfType(StatusRuntimeException.class, () -> memory.retrieve(
                RetrieveRequest.newBuilder().setUserId(newUser()).setQuery("dog").setStrategyValue(42).build()));

        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(error.getStatus().getDescription()).isEqualTo("strategy: unknown value 42");
    }

    private String userWithFacts() {
        String userId = newUser();
        memory.addMemory(add(userId, FACTS.stream().map(f -> user(f, "2024-01-15T10:30:00")).toArray(Message[]::new)));
        return userId;
    }

    private RetrieveResponse retrieve(String userId, String query, RetrieveStrategy strategy) {
        return memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery(query).setStrategy(strategy)
                .setLimit(3).build());
    }

    private String first(String userId, String query, RetrieveStrategy strategy) {
        return retrieve(userId, query, strategy).getMemories(0).getEntry().getMemory();
    }

    private List<String> memories(String userId, String query, RetrieveStrategy strategy, RetrieveFilter filter) {
        return memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery(query).setStrategy(strategy)
                .setFilter(filter).setLimit(10).build()).getMemoriesList().stream()
                .map(m -> m.getEntry().getMemory()).toList();
    }

    private static Message spoken(String speaker, String content, String time) {
        return user(content, time).toBuilder().setSpeakerName(speaker).build();
    }

    private static Timestamp ts(String iso) {
        Instant instant = Instant.parse(iso);
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
    }
}
