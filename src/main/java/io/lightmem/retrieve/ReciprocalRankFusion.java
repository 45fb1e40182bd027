package io.lightmem.retrieve;

import io.lightmem.memory.ScoredMemory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reciprocal rank fusion (Cormack et al., 2009): score(d) = sum over lists L containing d of
 * 1 / (k + rank_L(d)), ranks from 1. Uses ranks only, so lists with incomparable scores (cosine,
 * BM25) fuse without calibration. Ties keep the order of first appearance (earlier list first).
 */
public final class ReciprocalRankFusion {

    private final int k;

    public ReciprocalRankFusion(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        this.k = k;
    }

    /** The best {@code limit} entries of the fused lists; {@link ScoredMemory#similarity()} is the RRF score. */
    public List<ScoredMemory> fuse(List<List<ScoredMemory>> rankings, int limit) {
        Map<UUID, ScoredMemory> entries = new LinkedHashMap<>();
        Map<UUID, Double> scores = new LinkedHashMap<>();
        for (List<ScoredMemory> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) {
                ScoredMemory scored = ranking.get(i);
                UUID id = scored.entry().id();
                entries.putIfAbsent(id, scored);
                scores.merge(id, 1.0 / (k + i + 1), Double::sum);
            }
        }
        List<ScoredMemory> fused = new ArrayList<>(entries.size());
        entries.forEach((id, scored) -> fused.add(new ScoredMemory(scored.entry(), scores.get(id))));
        // List.sort is stable: equal scores keep first-appearance order.
        fused.sort(Comparator.comparingDouble(ScoredMemory::similarity).reversed());
        return fused.subList(0, Math.min(limit, fused.size()));
    }
}
