package io.lightmem.retrieve;

import io.lightmem.model.Embedder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vectors of search queries, with the most recently asked ones kept so that a repeated question
 * (an agent asking the same thing every turn, a retry) is not embedded again: embedding the query
 * is the largest part of a Retrieve (BENCHMARKS.md, "Latency breakdown"). Bounded to
 * {@code lightmem.embedding-retriever.query-cache-size} entries, least recently used first out.
 * Each entry is keyed by the embedder's model id as well as the text, and a vector is only kept
 * when the model id was the same before and after embedding, so a vector of one model is never
 * served for another (a model service restarted with another model, a changed configuration).
 */
@ApplicationScoped
public class QueryEmbeddings {

    private record Key(String modelId, String text) {
    }

    private final Embedder embedder;
    private final int capacity;
    private final Map<Key, float[]> recent;
    private final Counter hits;
    private final Counter misses;

    @Inject
    public QueryEmbeddings(Embedder embedder, RetrievalConfig config, MeterRegistry registry) {
        this(embedder, config.embeddingRetriever().queryCacheSize(), registry);
    }

    QueryEmbeddings(Embedder embedder, int capacity, MeterRegistry registry) {
        this.embedder = embedder;
        this.capacity = capacity;
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
                return size() > QueryEmbeddings.this.capacity;
            }
        };
        this.hits = Counter.builder("lightmem.query.embeddings").tag("cache", "hit")
                .description("Retrieve queries whose vector came from the cache of recent queries").register(registry);
        this.misses = Counter.builder("lightmem.query.embeddings").tag("cache", "miss")
                .description("Retrieve queries embedded by the model").register(registry);
    }

    /** The vector of {@code query}, embedded as a query by the embedder's current model; the caller may keep or change it. */
    public float[] embed(String query) {
        if (capacity == 0) {
            misses.increment();
            return embedder.embedQuery(query);
        }
        String model = embedder.modelId();
        Key key = new Key(model, query);
        float[] cached;
        synchronized (recent) {
            cached = recent.get(key);
        }
        if (cached != null) {
            hits.increment();
            return cached.clone();
        }
        misses.increment();
        float[] vector = embedder.embedQuery(query);
        if (model.equals(embedder.modelId())) {
            synchronized (recent) {
                recent.put(key, vector.clone());
            }
        }
        return vector;
    }

    /** Entries held now (at most the capacity). */
    int size() {
        synchronized (recent) {
            return recent.size();
        }
    }
}
