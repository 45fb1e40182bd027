package io.lightmem.retrieve;

import io.lightmem.config.TimeZoneConfig;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.observe.Spans;
import io.lightmem.store.MemoryRepository;
import io.lightmem.store.VectorSearch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The {@code embedding} strategy: cosine nearest neighbours of the query vector, searched exactly in
 * a small scope and on the pgvector HNSW index in a large one ({@link VectorSearchRule}). When the
 * query names a participant of the scope ({@link SpeakerMatch}), that participant's memories rank
 * by cosine + {@code speaker-boost}: the union of the top {@code limit} overall and the top
 * {@code limit} of the named speakers holds the top {@code limit} of that ranking exactly, so two
 * searches give it. Likewise, when the query names a day, month or year ({@link QueryPeriod}), also
 * relative to the time it is asked ("last week", "two months ago"), and the
 * request has no time filter of its own, the memories said in that period rank by cosine +
 * {@code time-boost}, with one more search: the top {@code limit} within the period. The returned
 * score is that ranking's: the cosine, plus the boosts that applied (docs/retrieval.md).
 */
@ApplicationScoped
public class EmbeddingRetriever implements Retriever {

    private final QueryEmbeddings queries;
    private final MemoryRepository memories;
    private final VectorSearchRule searches;
    private final SpeakerMatch speakers;
    private final Spans spans;
    private final double speakerBoost;
    private final double timeBoost;
    private final ZoneId zone;
    private final Counter exactSearches;
    private final Counter indexSearches;

    public EmbeddingRetriever(QueryEmbeddings queries, MemoryRepository memories, VectorSearchRule searches,
            SpeakerMatch speakers, Spans spans, RetrievalConfig config, TimeZoneConfig timeZone, MeterRegistry registry) {
        this.queries = queries;
        this.memories = memories;
        this.searches = searches;
        this.speakers = speakers;
        this.spans = spans;
        this.speakerBoost = config.embeddingRetriever().speakerBoost();
        this.timeBoost = config.embeddingRetriever().timeBoost();
        this.zone = timeZone.defaultTimeZone();
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
        List<Boost> boosts = new ArrayList<>();
        speakerBoost(request, query, search).ifPresent(boosts::add);
        periodBoost(request, query, search).ifPresent(boosts::add);
        return boosts.isEmpty() ? nearest : boosted(nearest, boosts, request.limit());
    }

    /** The memories of the participants the query names, when it names any. */
    private Optional<Boost> speakerBoost(SearchRequest request, float[] query, VectorSearch search) {
        if (speakerBoost == 0 || request.filter().speakerName() != null) {
            return Optional.empty(); // a speaker filter already decides whose memories count
        }
        List<String> named = spans.run("speaker_match", () -> speakers.named(request.owner(), request.query()));
        if (named.isEmpty()) {
            return Optional.empty();
        }
        List<ScoredMemory> theirs = spans.run("search", () -> memories.nearestOfSpeakers(request.owner(), named,
                query, request.limit(), request.filter(), search));
        Set<String> names = Set.copyOf(named);
        return Optional.of(new Boost(theirs, entry -> names.contains(entry.speakerName()), speakerBoost));
    }

    /** The memories said in the period the query names, when it names one. */
    private Optional<Boost> periodBoost(SearchRequest request, float[] query, VectorSearch search) {
        MemoryFilter own = request.filter();
        if (timeBoost == 0 || own.from() != null || own.to() != null) {
            return Optional.empty(); // the caller's own time filter decides which times count
        }
        Optional<QueryPeriod> named = QueryPeriod.find(request.query(), zone, request.queryTime());
        if (named.isEmpty()) {
            return Optional.empty();
        }
        QueryPeriod period = named.get();
        MemoryFilter within = new MemoryFilter(period.from(), period.to(), own.speakerName(), own.category());
        List<ScoredMemory> inside = spans.run("period_search", () -> {
            spans.annotate("lightmem.period", period.toString());
            return memories.nearest(request.owner(), query, request.limit(), within, search);
        });
        return Optional.of(new Boost(inside, period::contains, timeBoost));
    }

    /**
     * A raise of the memories {@code applies} accepts by {@code amount}, with {@code found}: the top
     * {@code limit} of those memories by cosine (their own search).
     */
    public record Boost(List<ScoredMemory> found, Predicate<MemoryEntry> applies, double amount) {
    }

    /**
     * The top {@code limit} of all the lists by cosine plus the boosts that apply to each memory. With
     * one boost this is exactly the top {@code limit} of the whole scope so ranked. With two (a named
     * speaker and a period), a memory both raise is found only when it is in one of the lists, i.e.
     * among the top {@code limit} of its speaker or of its period by cosine alone; a third search for
     * it would cost more than the few it could add at hybrid's depth of 50. Public for the benchmark
     * harness, which replays it over several boosts (SpeakerSweep, PeriodSweep).
     */
    public static List<ScoredMemory> boosted(List<ScoredMemory> nearest, List<Boost> boosts, int limit) {
        Map<UUID, ScoredMemory> union = new LinkedHashMap<>();
        boosts.forEach(b -> b.found().forEach(s -> union.putIfAbsent(s.entry().id(), s)));
        nearest.forEach(s -> union.putIfAbsent(s.entry().id(), s));
        List<ScoredMemory> ranked = new ArrayList<>();
        for (ScoredMemory s : union.values()) {
            double score = s.similarity();
            for (Boost b : boosts) {
                score += b.applies().test(s.entry()) ? b.amount() : 0;
            }
            ranked.add(score == s.similarity() ? s : new ScoredMemory(s.entry(), score));
        }
        ranked.sort(Comparator.comparingDouble(ScoredMemory::similarity).reversed());
        return List.copyOf(ranked.subList(0, Math.min(limit, ranked.size())));
    }
}
