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
import org.junit.jupiter.api.Test;

/** The ranking that raises the memories said in a named period, from two searches. */
class PeriodRankingTest {

    private static final QueryPeriod OCTOBER = new QueryPeriod(Instant.parse("2023-10-01T00:00:00Z"),
            Instant.parse("2023-11-01T00:00:00Z"));

    @Test
    void theBoostedRankingOfTheNearestAndThePeriodsListIsTheBoostedRankingOfEverything() {
        // Each list is the top `limit` of its set by cosine, as the two index searches return them;
        // their union ranked by cosine + time boost must equal ranking the whole scope that way.
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            List<ScoredMemory> scope = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                scope.add(said(Instant.parse("2023-09-15T00:00:00Z").plusSeconds(random.nextInt(60 * 86_400)),
                        random.nextDouble()));
            }
            int limit = 1 + random.nextInt(10);
            double boost = random.nextDouble() * 0.5;
            Comparator<ScoredMemory> byCosine = Comparator.comparingDouble(ScoredMemory::similarity).reversed();
            List<ScoredMemory> nearest = scope.stream().sorted(byCosine).limit(limit).toList();
            List<ScoredMemory> inside = scope.stream().filter(s -> OCTOBER.contains(s.entry())).sorted(byCosine).limit(limit).toList();
            List<UUID> expected = scope.stream()
                    .sorted(Comparator.comparingDouble((ScoredMemory s) -> s.similarity()
                            + (OCTOBER.contains(s.entry()) ? boost : 0)).reversed())
                    .limit(limit).map(s -> s.entry().id()).toList();

            List<ScoredMemory> ranked = EmbeddingRetriever.boosted(nearest,
                    List.of(new EmbeddingRetriever.Boost(inside, OCTOBER::contains, boost)), limit);

            assertThat(ranked).extracting(s -> s.entry().id()).containsExactlyElementsOf(expected);
            assertThat(ranked).extracting(ScoredMemory::similarity).isSortedAccordingTo(Comparator.reverseOrder());
        }
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

    private static ScoredMemory said(Instant when, double cosine) {
        return said("Caroline", when, cosine);
    }

    private static ScoredMemory said(String speaker, Instant when, double cosine) {
        MemoryEntry entry = new MemoryEntry(UUID.randomUUID(), "u", "text", "text", null, when.atOffset(ZoneOffset.UTC),
                "Thu", null, speaker, null, null, List.of(), List.of(), null, 0, List.of(), Instant.EPOCH, Instant.EPOCH);
        return new ScoredMemory(entry, cosine);
    }
}
