package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.ScoredMemory;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReciprocalRankFusionTest {

    private final MemoryEntry a = entry("a"), b = entry("b"), c = entry("c"), d = entry("d");

    @Test
    void entryRankedWellByBothListsBeatsEntriesRankedFirstByOnlyOne() {
        // k = 60: a = 1/61 (first in list 1 only), b = 1/62 + 1/62 (second in both), c = 1/61 (first in list 2 only).
        List<ScoredMemory> fused = new ReciprocalRankFusion(60).fuse(List.of(ranked(a, b, d), ranked(c, b)), 10);

        assertThat(fused).extracting(s -> s.entry().memory()).containsExactly("b", "a", "c", "d");
        assertThat(fused.get(0).similarity()).isCloseTo(2.0 / 62, within(1e-12));
        assertThat(fused.get(1).similarity()).isCloseTo(1.0 / 61, within(1e-12));
        assertThat(fused.get(3).similarity()).isCloseTo(1.0 / 63, within(1e-12));
    }

    @Test
    void smallKRewardsTopRanksMoreThanAgreement() {
        // k = 1: a = 1/2 + 1/5 = 0.7 beats b = 1/3 + 1/3 = 0.667, although b is second in both.
        List<ScoredMemory> fused = new ReciprocalRankFusion(1).fuse(List.of(ranked(a, b, c), ranked(d, b, c, a)), 2);

        assertThat(fused).extracting(s -> s.entry().memory()).containsExactly("a", "b");
    }

    @Test
    void tiesKeepFirstAppearanceAndLimitCuts() {
        List<ScoredMemory> fused = new ReciprocalRankFusion(60).fuse(List.of(ranked(a), ranked(c)), 1);

        assertThat(fused).extracting(s -> s.entry().memory()).containsExactly("a");
    }

    @Test
    void emptyListsFuseToNothing() {
        assertThat(new ReciprocalRankFusion(60).fuse(List.of(List.of(), List.of()), 5)).isEmpty();
    }

    private static List<ScoredMemory> ranked(MemoryEntry... entries) {
        return Arrays.stream(entries).map(e -> new ScoredMemory(e, 0.5)).toList();
    }

    private static MemoryEntry entry(String memory) {
        Instant t = Instant.parse("2024-01-15T10:30:00Z");
        return new MemoryEntry(UUID.randomUUID(), "u", memory, memory, null, t.atOffset(java.time.ZoneOffset.UTC), "Mon", null, "User", null, null,
                List.of(), List.of(), null, 0, List.of(), t, t);
    }
}
