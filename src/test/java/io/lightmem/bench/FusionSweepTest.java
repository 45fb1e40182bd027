package io.lightmem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.bench.FusionSweep.Item;
import io.lightmem.bench.FusionSweep.Variant;
import io.lightmem.bench.RecallMetrics.Hit;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.retrieve.ReciprocalRankFusion;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The offline fusion replay on hand-made lists: unweighted, it ranks exactly as the service's RRF. */
class FusionSweepTest {

    private final List<String> semantic = List.of("a", "b", "d", "e");
    private final List<String> lexical = List.of("c", "b", "e", "a", "f");

    @Test
    void unweightedFullDepthRanksAsTheServicesFusion() {
        for (int k : new int[] {1, 10, 60}) {
            List<String> service = new ReciprocalRankFusion(k).fuse(List.of(scored(semantic), scored(lexical)), 10)
                    .stream().map(s -> s.entry().memory()).toList();

            assertThat(ids(FusionSweep.fuse(items(semantic), items(lexical), new Variant(k, 1.0, 100), 10)))
                    .as("k = " + k).containsExactlyElementsOf(service);
        }
    }

    @Test
    void theContextWeightScalesTheLexicalListsShare() {
        // k = 60, weight 2: b = 1/62 + 2/62 = 0.0484, a = 1/61 + 2/64 = 0.0476, e = 1/64 + 2/63 = 0.0474,
        // while c, first in the lexical list only, has 2/61 = 0.0328.
        List<String> fused = ids(FusionSweep.fuse(items(semantic), items(lexical), new Variant(60, 2.0, 100), 3));

        assertThat(fused).containsExactly("b", "a", "e");
        // Weight 0.5: a = 1/61 + 0.5/64 = 0.02421 edges out b = 1.5/62 = 0.02419.
        assertThat(ids(FusionSweep.fuse(items(semantic), items(lexical), new Variant(60, 0.5, 100), 1)))
                .containsExactly("a");
    }

    @Test
    void depthCutsEachListBeforeFusion() {
        // Depth 1: only a (embedding) and c (context) take part.
        assertThat(ids(FusionSweep.fuse(items(semantic), items(lexical), new Variant(60, 1.0, 1), 10)))
                .containsExactly("a", "c");
    }

    private static List<Item> items(List<String> ids) {
        return ids.stream().map(id -> new Item(id, new Hit(Set.of(id), 1))).toList();
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(h -> h.turnIds().iterator().next()).toList();
    }

    private static List<ScoredMemory> scored(List<String> ids) {
        Instant t = Instant.parse("2024-01-15T10:30:00Z");
        return ids.stream().map(id -> new ScoredMemory(new MemoryEntry(UUID.nameUUIDFromBytes(id.getBytes()), "u", id, id,
                null, t.atOffset(java.time.ZoneOffset.UTC), "Mon", null, "User", null, null, List.of(), List.of(), null, 0, List.of(), t, t), 0.5)).toList();
    }
}
