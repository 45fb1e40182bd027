package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.ScoredMemory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The ranking that raises the memories of a named speaker or said in a named period, from two searches. */
class BoostedRankingTest {

    private static final QueryPeriod OCTOBER = new QueryPeriod(Instant.parse("2023-10-01T00:00:00Z"),
            Instant.parse("2023-11-01T00:00:00Z"));

    @Test
    void theNearestAndTheNamedSpeakersListGiveTheSpeakerBoostedRankingOfEverything() {
        assertTwoSearchesRankAsTheWholeScope(7, random -> said(random.nextBoolean() ? "Caroline" : "Melanie",
                Instant.EPOCH, random.nextDouble()), entry -> entry.speakerName().equals("Caroline"), 0.3);
    }

    @Test
    void theNearestAndTheNamedPeriodsListGiveThePeriodBoostedRankingOfEverything() {
        assertTwoSearchesRankAsTheWholeScope(11, random -> said("Caroline",
                Instant.parse("2023-09-15T00:00:00Z").plusSeconds(random.nextInt(60 * 86_400)), random.nextDouble()),
                OCTOBER::contains, 0.5);
    }

    @Test
    void aMemoryOfTheNamedSpeakerInTheNamedPeriodGetsBothBoosts() {
        ScoredMemory caroline = said("Caroline", Instant.parse("2023-10-13T18:00:00Z"), 0.4);
        ScoredMemory carolineInSeptember = said("Caroline", Instant.parse("2023-09-13T18:00:00Z"), 0.5);
        ScoredMemory melanie = said("Melanie", Instant.parse("2023-10-13T18:00:00Z"), 0.55);

        List<ScoredMemory> ranked = EmbeddingRetriever.boosted(List.of(melanie, carolineInSeptember, caroline), List.of(
                new EmbeddingRetriever.Boost(List.of(carolineInSeptember, caroline), e -> e.speakerName().equals("Caroline"), 0.3),
                new EmbeddingRetriever.Boost(List.of(melanie, caroline), OCTOBER::contains, 0.2)), 3);

        assertThat(ranked).extracting(ScoredMemory::similarity).containsExactly(0.4 + 0.3 + 0.2, 0.5 + 0.3, 0.55 + 0.2);
        assertThat(ranked.get(0).entry().id()).isEqualTo(caroline.entry().id());
    }

    /**
     * Each list is the top `limit` of its set by cosine, as the two index searches return them; their
     * union ranked by cosine + boost must equal ranking the whole scope that way. 200 random scopes of
     * 40 memories, each limit 1–10 and boost below {@code maxBoost}.
     */
    private static void assertTwoSearchesRankAsTheWholeScope(long seed, Function<Random, ScoredMemory> memory,
            Predicate<MemoryEntry> raised, double maxBoost) {
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            List<ScoredMemory> scope = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                scope.add(memory.apply(random));
            }
            int limit = 1 + random.nextInt(10);
            double boost = random.nextDouble() * maxBoost;
            Comparator<ScoredMemory> byCosine = Comparator.comparingDouble(ScoredMemory::similarity).reversed();
            List<ScoredMemory> nearest = scope.stream().sorted(byCosine).limit(limit).toList();
            List<ScoredMemory> theirs = scope.stream().filter(s -> raised.test(s.entry())).sorted(byCosine).limit(limit)
                    .toList();
            List<UUID> expected = scope.stream()
                    .sorted(Comparator.comparingDouble((ScoredMemory s) -> s.similarity()
                            + (raised.test(s.entry()) ? boost : 0)).reversed())
                    .limit(limit).map(s -> s.entry().id()).toList();

            List<ScoredMemory> ranked = EmbeddingRetriever.boosted(nearest,
                    List.of(new EmbeddingRetriever.Boost(theirs, raised, boost)), limit);

            assertThat(ranked).extracting(s -> s.entry().id()).containsExactlyElementsOf(expected);
            assertThat(ranked).extracting(ScoredMemory::similarity).isSortedAccordingTo(Comparator.reverseOrder());
        }
    }

    private static ScoredMemory said(String speaker, Instant when, double cosine) {
        MemoryEntry entry = new MemoryEntry(UUID.randomUUID(), "u", "text", "text", null, when.atOffset(ZoneOffset.UTC),
                "Thu", null, speaker, null, null, List.of(), List.of(), null, 0, List.of(), Instant.EPOCH, Instant.EPOCH);
        return new ScoredMemory(entry, cosine);
    }
}
