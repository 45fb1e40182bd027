package io.lightmem.retrieve;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.Timestamp;
import io.lightmem.v1.Message;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveFilter;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveStrategy;
import io.lightmem.v1.RetrievedMemory;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A question naming a day raises the memories said that day (lightmem.embedding-retriever.time-boost),
 * unless the request filters by time itself; a relative time ("last month") names the period it is as
 * seen at the request's query_time. The same words said on two days are equally similar to any
 * question, so only the named day can order them.
 */
@QuarkusTest
class PeriodBoostTest {

    private static final String PAINTED = "I painted a sunset over the lake with my kids.";

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Inject
    RetrievalConfig config;

    @ParameterizedTest
    @EnumSource(value = RetrieveStrategy.class, names = {"RETRIEVE_STRATEGY_EMBEDDING", "RETRIEVE_STRATEGY_HYBRID"})
    void theMemoryOfTheNamedDayOutranksTheSameWordsOfAnotherDay(RetrieveStrategy strategy) {
        String userId = paintedTwice();

        assertThat(first(userId, "What did I paint on October 13, 2023?", strategy, RetrieveFilter.getDefaultInstance()))
                .extracting(m -> day(m)).isEqualTo("2023-10-13");
        assertThat(first(userId, "What did I paint on 20 November 2023?", strategy, RetrieveFilter.getDefaultInstance()))
                .extracting(m -> day(m)).isEqualTo("2023-11-20");
        assertThat(first(userId, "What did I paint in November 2023?", strategy, RetrieveFilter.getDefaultInstance()))
                .extracting(m -> day(m)).isEqualTo("2023-11-20");
    }

    @Test
    void theBoostIsAddedToTheCosineOfTheMemoriesOfThatDay() {
        String userId = paintedTwice();

        List<RetrievedMemory> found = retrieve(userId, "What did I paint on October 13, 2023?",
                RetrieveStrategy.RETRIEVE_STRATEGY_EMBEDDING, RetrieveFilter.getDefaultInstance());

        assertThat(found).extracting(PeriodBoostTest::day).startsWith("2023-10-13", "2023-11-20");
        assertThat(found.get(0).getScore() - found.get(1).getScore())
                .isCloseTo(config.embeddingRetriever().timeBoost(), within(1e-5));
    }

    @ParameterizedTest
    @EnumSource(value = RetrieveStrategy.class, names = {"RETRIEVE_STRATEGY_EMBEDDING", "RETRIEVE_STRATEGY_HYBRID"})
    void theRequestsOwnTimeFilterWinsOverTheNamedDay(RetrieveStrategy strategy) {
        String userId = paintedTwice();
        RetrieveFilter november = RetrieveFilter.newBuilder().setTimeFrom(ts("2023-11-01T00:00:00Z"))
                .setTimeTo(ts("2023-12-01T00:00:00Z")).build();

        List<RetrievedMemory> found = retrieve(userId, "What did I paint on October 13, 2023?", strategy, november);

        assertThat(found).extracting(PeriodBoostTest::day).containsOnly("2023-11-20");
    }

    @Test
    void theRequestsOwnTimeFilterLeavesTheCosineUnraised() {
        String userId = paintedTwice();
        RetrieveFilter all = RetrieveFilter.newBuilder().setTimeFrom(ts("2023-01-01T00:00:00Z")).build();

        List<RetrievedMemory> found = retrieve(userId, "What did I paint on October 13, 2023?",
                RetrieveStrategy.RETRIEVE_STRATEGY_EMBEDDING, all);

        // The same words, the same cosine: nothing raised the named day.
        assertThat(found.get(0).getScore()).isCloseTo(found.get(1).getScore(), within(1e-5));
    }

    @ParameterizedTest
    @EnumSource(value = RetrieveStrategy.class, names = {"RETRIEVE_STRATEGY_EMBEDDING", "RETRIEVE_STRATEGY_HYBRID"})
    void theNamedDayBringsNoMemoryPastTheRequestsOtherFilters(RetrieveStrategy strategy) {
        String userId = newUser();
        memory.addMemory(add(userId,
                spoken("Alice", PAINTED, "2023-10-13T18:00:00"),
                spoken("Bob", PAINTED, "2023-11-20T18:00:00")));

        List<RetrievedMemory> found = retrieve(userId, "What was painted on October 13, 2023?", strategy,
                RetrieveFilter.newBuilder().setSpeakerName("Bob").build());

        assertThat(found).extracting(m -> m.getEntry().getSpeakerName()).containsExactly("Bob");
    }

    @ParameterizedTest
    @EnumSource(value = RetrieveStrategy.class, names = {"RETRIEVE_STRATEGY_EMBEDDING", "RETRIEVE_STRATEGY_HYBRID"})
    void aRelativeTimeIsReadAgainstTheTimeTheQuestionIsAsked(RetrieveStrategy strategy) {
        String userId = paintedTwice();

        // "last month" asked in November is October; asked in December, November.
        assertThat(firstAsked(userId, "What did I paint last month?", strategy, "2023-11-05T12:00:00Z"))
                .extracting(m -> day(m)).isEqualTo("2023-10-13");
        assertThat(firstAsked(userId, "What did I paint last month?", strategy, "2023-12-05T12:00:00Z"))
                .extracting(m -> day(m)).isEqualTo("2023-11-20");
        assertThat(firstAsked(userId, "What did I paint yesterday?", strategy, "2023-10-14T10:00:00Z"))
                .extracting(m -> day(m)).isEqualTo("2023-10-13");
        assertThat(firstAsked(userId, "What did I paint a week ago?", strategy, "2023-11-27T10:00:00Z"))
                .extracting(m -> day(m)).isEqualTo("2023-11-20");
        assertThat(firstAsked(userId, "What did I paint in October?", strategy, "2024-02-01T10:00:00Z"))
                .extracting(m -> day(m)).isEqualTo("2023-10-13");
    }

    @Test
    void aRelativeTimeIsRaisedByTheBoostAsAnAbsoluteOne() {
        String userId = paintedTwice();

        List<RetrievedMemory> found = memory.retrieve(request(userId, "What did I paint last month?",
                RetrieveStrategy.RETRIEVE_STRATEGY_EMBEDDING).setQueryTime(ts("2023-11-05T12:00:00Z")).build())
                .getMemoriesList().stream().filter(m -> m.getEntry().getMemory().equals(PAINTED)).toList();

        assertThat(found).extracting(PeriodBoostTest::day).startsWith("2023-10-13", "2023-11-20");
        assertThat(found.get(0).getScore() - found.get(1).getScore())
                .isCloseTo(config.embeddingRetriever().timeBoost(), within(1e-5));
    }

    @Test
    void withoutAQueryTimeTheQuestionIsAskedWhenTheRequestArrives() {
        String userId = newUser();
        Instant now = Instant.now();
        memory.addMemory(add(userId,
                user(PAINTED, now.minus(Duration.ofDays(1)).toString()),
                user(PAINTED, now.minus(Duration.ofDays(9)).toString())));

        // The same words twice: only the period each question names orders them.
        Map<String, Boolean> newerFirst = Map.of("What did I paint yesterday?", true,
                "What did I paint in the past 3 days?", true, "What did I paint 9 days ago?", false);
        newerFirst.forEach((question, newer) -> {
            RetrievedMemory first = memory.retrieve(request(userId, question,
                    RetrieveStrategy.RETRIEVE_STRATEGY_EMBEDDING).build()).getMemories(0);
            assertThat(Instant.ofEpochSecond(first.getEntry().getTimeStamp().getSeconds())
                    .isAfter(now.minus(Duration.ofDays(2)))).as(question).isEqualTo(newer);
        });
    }

    /** The same words said on two days, among others. */
    private String paintedTwice() {
        String userId = newUser();
        memory.addMemory(add(userId,
                user(PAINTED, "2023-10-13T18:00:00"),
                user("The weather was lovely that weekend.", "2023-10-14T09:00:00"),
                user(PAINTED, "2023-11-20T18:00:00"),
                user("I started a new job at the library.", "2023-11-21T09:00:00")));
        return userId;
    }

    private RetrievedMemory firstAsked(String userId, String query, RetrieveStrategy strategy, String queryTime) {
        return memory.retrieve(request(userId, query, strategy).setQueryTime(ts(queryTime)).build()).getMemoriesList()
                .stream().filter(m -> m.getEntry().getMemory().equals(PAINTED)).findFirst().orElseThrow();
    }

    private static RetrieveRequest.Builder request(String userId, String query, RetrieveStrategy strategy) {
        return RetrieveRequest.newBuilder().setUserId(userId).setQuery(query).setStrategy(strategy).setLimit(4);
    }

    private List<RetrievedMemory> retrieve(String userId, String query, RetrieveStrategy strategy, RetrieveFilter filter) {
        return memory.retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery(query).setStrategy(strategy)
                .setFilter(filter).setLimit(4).build()).getMemoriesList().stream()
                .filter(m -> m.getEntry().getMemory().equals(PAINTED)).toList();
    }

    private RetrievedMemory first(String userId, String query, RetrieveStrategy strategy, RetrieveFilter filter) {
        return retrieve(userId, query, strategy, filter).get(0);
    }

    /** The UTC day the memory was said (the tests' default zone is UTC). */
    private static String day(RetrievedMemory m) {
        return Instant.ofEpochSecond(m.getEntry().getTimeStamp().getSeconds()).toString().substring(0, 10);
    }

    private static Message spoken(String speaker, String content, String time) {
        return user(content, time).toBuilder().setSpeakerName(speaker).build();
    }

    private static Timestamp ts(String iso) {
        return Timestamp.newBuilder().setSeconds(Instant.parse(iso).getEpochSecond()).build();
    }
}
