package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.ScoredMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How a query names participants, and the ranking that raises their memories. */
class SpeakerMatchTest {

    @Test
    void namesAreTheCapitalizedWordsAndPairsWithoutPossessives() {
        assertThat(SpeakerMatch.candidates("What did Caroline's sister tell Melanie about Mary Ann?"))
                .containsExactlyInAnyOrder("what", "caroline", "melanie", "mary", "mary ann", "ann");
        assertThat(SpeakerMatch.candidates("Where does Kate work as a teacher assistant?"))
                .containsExactly("where", "kate");
        assertThat(SpeakerMatch.candidates("when did we last talk about it")).isEmpty();
    }

    @Test
    void aQueryOfManyCapitalizedWordsProbesABoundedNumber() {
        String shouting = "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z";

        assertThat(SpeakerMatch.candidates(shouting)).hasSize(SpeakerMatch.MAX_CANDIDATES);
    }

    @Test
    void theBoostedRankingOfTwoListsIsTheBoostedRankingOfEverything() {
        // Each list is the top `limit` of its set by cosine, as the two index searches return them;
        // their union ranked by cosine + boost must equal ranking the whole scope that way.
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<ScoredMemory> scope = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                scope.add(scored(random.nextBoolean() ? "Caroline" : "Melanie", random.nextDouble()));
            }
            int limit = 1 + random.nextInt(10);
            double boost = random.nextDouble() * 0.3;
            Comparator<ScoredMemory> byCosine = Comparator.comparingDouble(ScoredMemory::similarity).reversed();
            List<ScoredMemory> nearest = scope.stream().sorted(byCosine).limit(limit).toList();
            List<ScoredMemory> theirs = scope.stream().filter(s -> s.entry().speakerName().equals("Caroline"))
                    .sorted(byCosine).limit(limit).toList();
            List<UUID> expected = scope.stream()
                    .sorted(Comparator.comparingDouble((ScoredMemory s) -> s.similarity()
                            + (s.entry().speakerName().equals("Caroline") ? boost : 0)).reversed())
                    .limit(limit).map(s -> s.entry().id()).toList();

            List<ScoredMemory> ranked = EmbeddingRetriever.boosted(nearest, theirs, Set.of("Caroline"), boost, limit);

            assertThat(ranked).extracting(s -> s.entry().id()).containsExactlyElementsOf(expected);
            assertThat(ranked).extracting(ScoredMemory::similarity).isSortedAccordingTo(Comparator.reverseOrder());
        }
    }

    private static ScoredMemory scored(String speaker, double cosine) {
        MemoryEntry entry = new MemoryEntry(UUID.randomUUID(), "u", "text", "text", null, Instant.EPOCH.atOffset(java.time.ZoneOffset.UTC), "Thu", null,
                speaker, null, null, List.of(), List.of(), null, 0, List.of(), Instant.EPOCH, Instant.EPOCH);
        return new ScoredMemory(entry, cosine);
    }
}
