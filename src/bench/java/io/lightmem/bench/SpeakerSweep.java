package io.lightmem.bench;

import io.lightmem.bench.RecallMetrics.Hit;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.retrieve.EmbeddingRetriever;
import io.lightmem.retrieve.SpeakerMatch;
import io.lightmem.v1.RetrievedMemory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Replays the service's speaker boost offline for several boosts, against a service run with
 * speaker-boost 0: per question, the embedding list, the embedding list of each participant the
 * question names (the service's own speaker filter) and the context list are fetched once; then
 * each boost ranks the embedding candidates as EmbeddingRetriever does, and hybrid fuses that with
 * the context list as the service does (RRF, k = 5, 50 per list). Which participants a question
 * names follows SpeakerMatch: its capitalized words against the conversation's two speakers.
 */
final class SpeakerSweep {

    static final double[] BOOSTS = {0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75};
    private static final int DEPTH = 50;

    private record Question(List<ScoredMemory> nearest, List<ScoredMemory> theirs, Set<String> named,
            List<FusionSweep.Item> lexical, Map<String, Hit> hits, Set<String> evidence, String category) {
    }

    private final List<Question> questions = new ArrayList<>();

    void add(ServiceClient service, String userId, List<String> participants, String question, Set<String> evidence,
            String category, Function<RetrievedMemory, Hit> hit) {
        Map<String, Hit> hits = new HashMap<>();
        List<ScoredMemory> nearest = scored(service.retrieve(userId, question, DEPTH,
                ServiceClient.strategy("embedding"), 0).getMemoriesList(), hit, hits);
        List<String> candidates = SpeakerMatch.candidates(question);
        Set<String> named = participants.stream().filter(p -> candidates.contains(p.toLowerCase(Locale.ROOT)))
                .collect(Collectors.toSet());
        List<ScoredMemory> theirs = new ArrayList<>();
        for (String speaker : named) {
            theirs.addAll(scored(service.retrieveOfSpeaker(userId, question, DEPTH,
                    ServiceClient.strategy("embedding"), speaker).getMemoriesList(), hit, hits));
        }
        theirs.sort((a, b) -> Double.compare(b.similarity(), a.similarity()));
        List<FusionSweep.Item> lexical = lexical(service, userId, question, hit, hits);
        questions.add(new Question(nearest, theirs.subList(0, Math.min(DEPTH, theirs.size())), named, lexical, hits,
                evidence, category));
    }

    /** Per boost: the embedding and hybrid metrics, as the service would give them with that boost. */
    Map<Double, Map<String, RecallMetrics>> run() {
        Map<Double, Map<String, RecallMetrics>> out = new LinkedHashMap<>();
        for (double boost : BOOSTS) {
            RecallMetrics embedding = new RecallMetrics();
            RecallMetrics hybrid = new RecallMetrics();
            for (Question q : questions) {
                List<ScoredMemory> ranked = q.named().isEmpty() ? q.nearest()
                        : EmbeddingRetriever.boosted(q.nearest(), List.of(new EmbeddingRetriever.Boost(q.theirs(),
                                entry -> q.named().contains(entry.speakerName()), boost)), DEPTH);
                List<FusionSweep.Item> semantic = items(ranked, q.hits());
                embedding.add(q.category(), q.evidence(), semantic.stream().map(FusionSweep.Item::hit).toList());
                hybrid.add(q.category(), q.evidence(), fused(semantic, q.lexical()));
            }
            out.put(boost, Map.of("embedding", embedding, "hybrid", hybrid));
        }
        return out;
    }

    int namingQuestions() {
        return (int) questions.stream().filter(q -> !q.named().isEmpty()).count();
    }

    /** A ranked embedding list as fusion items with their hits; shared with PeriodSweep. */
    static List<FusionSweep.Item> items(List<ScoredMemory> ranked, Map<String, Hit> hits) {
        return ranked.stream()
                .map(s -> new FusionSweep.Item(s.entry().id().toString(), hits.get(s.entry().id().toString())))
                .toList();
    }

    /** Hybrid's list: the two lists fused as the service fuses them (RRF, k = 5, 50 per list); shared with PeriodSweep. */
    static List<Hit> fused(List<FusionSweep.Item> semantic, List<FusionSweep.Item> lexical) {
        return FusionSweep.fuse(semantic, lexical, new FusionSweep.Variant(5, 1.0, DEPTH), DEPTH);
    }

    /** The service's context list of the question, its hits noted in {@code hits}; shared with PeriodSweep. */
    static List<FusionSweep.Item> lexical(ServiceClient service, String userId, String question,
            Function<RetrievedMemory, Hit> hit, Map<String, Hit> hits) {
        return service.retrieve(userId, question, DEPTH, ServiceClient.strategy("context"), 0)
                .getMemoriesList().stream().map(m -> {
                    hits.putIfAbsent(m.getEntry().getId(), hit.apply(m));
                    return new FusionSweep.Item(m.getEntry().getId(), hits.get(m.getEntry().getId()));
                }).toList();
    }

    /**
     * The service's memories as EmbeddingRetriever ranks them (id, speaker, time said, score), their hits
     * noted in {@code hits}; shared with PeriodSweep.
     */
    static List<ScoredMemory> scored(List<RetrievedMemory> found, Function<RetrievedMemory, Hit> hit,
            Map<String, Hit> hits) {
        List<ScoredMemory> out = new ArrayList<>();
        for (RetrievedMemory m : found) {
            hits.putIfAbsent(m.getEntry().getId(), hit.apply(m));
            Instant said = Instant.ofEpochSecond(m.getEntry().getTimeStamp().getSeconds(),
                    m.getEntry().getTimeStamp().getNanos());
            MemoryEntry entry = new MemoryEntry(UUID.fromString(m.getEntry().getId()), "", m.getEntry().getMemory(),
                    null, null, said.atOffset(java.time.ZoneOffset.UTC), "", null, m.getEntry().getSpeakerName(), null,
                    null, List.of(), List.of(), null, 0, List.of(), Instant.EPOCH, Instant.EPOCH);
            out.add(new ScoredMemory(entry, m.getScore()));
        }
        return out;
    }
}
