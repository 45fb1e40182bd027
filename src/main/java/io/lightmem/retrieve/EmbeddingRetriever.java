package io.lightmem.retrieve;

import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.observe.Spans;
import io.lightmem.store.MemoryRepository;
import io.lightmem.store.VectorSearch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code embedding} strategy: cosine nearest neighbours of the query vector, searched exactly in
 * a small scope and on the pgvector HNSW index in a large one ({@link VectorSearchRule}). When the
 * query names a participant of the scope ({@link SpeakerMatch}), that participant's memories rank
 * by cosine + {@code speaker-boost}: the union of the top {@code limit} overall and the top
 * {@code limit} of the named speakers holds the top {@code limit} of that ranking exactly, so two
 * searches give it. The returned score is that ranking's: the cosine, plus the boost where it applied.
 */
@ApplicationScoped
public class EmbeddingRetriever implements Retriever {

    private final QueryEmbeddings queries;
    private final MemoryRepository memories;
    private final VectorSearchRule searches;
    private final SpeakerMatch speakers;
    private final Spans spans;
    private final double speakerBoost;
    private final Counter exactSearches;
    private final Counter indexSearches;

    public EmbeddingRetriever(QueryEmbeddings queries, MemoryRepository memories, VectorSearchRule searches,
            SpeakerMatch speakers, Spans spans, RetrievalConfig config, MeterRegistry registry) {
        this.queries = queries;
        this.memories = memories;
        this.searches = searches;
        this.speakers = speakers;
        this.spans = spans;
        this.speakerBoost = config.embeddingRetriever().speakerBoost();
        this.exactSearches = searchCounter(registry, "exact");
        this.indexSearches = searchCounter(registry, "hnsw");
    }

    private static Counter searchCounter(MeterRegistry registry, String method) {
        return Counter.builder("lightmem.vector.searches").tag("method", method)
                .description("Nearest-neighbour searches of the embedding strategy, by how they were answered")
                .register(registry);
    }

    @Override
    public RetrievalStrategy strategy() {
        return RetrievalStrategy.embedding;
    }

    @Override
    public List<ScoredMemory> retrieve(SearchRequest request) {
        float[] query = spans.run("embed", () -> queries.embed(request.query()));
        VectorSearch search = searches.choose(memories.scopeSize(request.owner()), request.limit(), request.efSearch());
        (search.isExact() ? exactSearches : indexSearches).increment();
        List<ScoredMemory> nearest = spans.run("search", () -> {
            spans.annotate("lightmem.vector_search", search.toString());
            return memories.nearest(request.owner(), query, request.limit(), request.filter(), search);
        });
        if (speakerBoost == 0 || request.filter().speakerName() != null) {
            return nearest; // a speaker filter already decides whose memories count
        }
        List<String> named = spans.run("speaker_match", () -> speakers.named(request.owner(), request.query()));
        if (named.isEmpty()) {
            return nearest;
        }
        List<ScoredMemory> theirs = spans.run("search", () -> memories.nearestOfSpeakers(request.owner(), named,
                query, request.limit(), request.filter(), search));
        return boosted(nearest, theirs, Set.copyOf(named), speakerBoost, request.limit());
    }

    /**
     * The top {@code limit} of both lists by cosine, plus {@code boost} for memories of {@code named}.
     * Public for the benchmark harness, which replays it over several boosts.
     */
    public static List<ScoredMemory> boosted(List<ScoredMemory> nearest, List<ScoredMemory> theirs, Set<String> named,
            double boost, int limit) {
        Map<UUID, ScoredMemory> union = new LinkedHashMap<>();
        for (List<ScoredMemory> list : List.of(theirs, nearest)) {
            list.forEach(s -> union.putIfAbsent(s.entry().id(), s));
        }
        List<ScoredMemory> ranked = new ArrayList<>();
        union.values().forEach(s -> ranked.add(named.contains(s.entry().speakerName())
                ? new ScoredMemory(s.entry(), s.similarity() + boost) : s));
        ranked.sort(Comparator.comparingDouble(ScoredMemory::similarity).reversed());
        return List.copyOf(ranked.subList(0, Math.min(limit, ranked.size())));
    }
}
