package io.lightmem.retrieve;

import io.lightmem.memory.RetrievalStrategy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.OptionalInt;

/** Retrieval (docs/design.md, "Retrieval"): strategies, their indexes and parameters, and request limits. */
@ConfigMapping(prefix = "lightmem")
public interface RetrievalConfig {

    /**
     * Which retrieval indexes this deployment relies on, and so which strategies it serves: a
     * retrieve-strategy (or a request's strategy) it does not cover is refused, at start-up or with
     * INVALID_ARGUMENT. Default {@code hybrid}: the lexical structures cost little next to the
     * embedding every memory gets anyway, and they let every request pick any strategy. In this
     * version the database maintains both regardless (the vector column is required since V1 and
     * consolidation needs it; the tsvector is a generated column so every writer keeps it current),
     * so a narrower value restricts what is served but saves no write work yet.
     */
    @WithDefault("hybrid")
    RetrievalStrategy indexStrategy();

    /**
     * The strategy a Retrieve request without one uses; must be served by index-strategy. Default
     * {@code hybrid}, where LightMem's is {@code embedding}: hybrid found more evidence than embedding
     * at every k on LoCoMo and REALTALK dev and at k = 5 on LongMemEval-S, and trailed it by one or
     * two questions at some k on a 12-question LongMemEval sample (BENCHMARKS.md, "Retrieval that
     * generalizes", "Default strategy").
     */
    @WithDefault("hybrid")
    RetrievalStrategy retrieveStrategy();

    EmbeddingRetrieverConfig embeddingRetriever();

    ContextRetrieverConfig contextRetriever();

    HybridRetrieverConfig hybridRetriever();

    RetrieveConfig retrieve();

    /** pgvector HNSW index parameters. */
    interface EmbeddingRetrieverConfig {
        /** HNSW graph degree; used when the index is first built (migration). */
        @WithDefault("16")
        @Min(2)
        @Max(100)
        int hnswM();

        /** HNSW build-time candidate list; used when the index is first built (migration). */
        @WithDefault("64")
        @Min(4)
        @Max(1000)
        int hnswEfConstruction();

        /**
         * HNSW search-time candidate list (hnsw.ef_search) of every index search, when set; a request
         * may override it within 1..1000 (pgvector's bound), and it is raised to the request's limit when
         * smaller. Unset (the default): chosen per request from the limit
         * (VectorSearchRule, BENCHMARKS.md "ef_search and exact search").
         */
        @Min(1)
        @Max(1000)
        OptionalInt efSearch();

        /**
         * Scopes of at most this many memories are searched exactly (every memory's distance,
         * read through an index on the user) instead of on the HNSW index: exact results, and below this
         * size about as fast as the index (BENCHMARKS.md, "ef_search and exact search").
         */
        @WithDefault(VectorSearchRule.DEFAULT_EXACT_MAX_MEMORIES)
        @Min(0)
        int exactSearchMaxMemories();

        /**
         * Queries whose vectors are kept for repeated questions (QueryEmbeddings), per instance; 0
         * embeds every query. About 2 KB each for a 384-dimension model and a short question.
         */
        @WithDefault("1024")
        @Min(0)
        @Max(1_000_000)
        int queryCacheSize();

        /**
         * Added to the cosine similarity of the memories of a participant the query names (a
         * capitalized word of the query equal to a speaker name of the scope, case-insensitively), when
         * ranking; 0 turns speaker matching off. Speaker awareness without the speaker's name in the
         * memory text (SpeakerMatch). 0.4: of 0 to 0.75, replayed on LoCoMo dev and REALTALK dev with every
         * other default, it was at least as good as every smaller value in every column (hybrid any@5 / @20 LoCoMo
         * 0.707 / 0.862 against 0.695 / 0.857 at 0.3 and 0.568 / 0.763 at 0; REALTALK 0.680 / 0.820, as at
         * 0.3), and larger values changed no column by more than 0.003: near 0.4 the named participant's
         * memories already come first (BENCHMARKS.md, "Speaker boost beyond 0.3").
         */
        @WithDefault("0.4")
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        double speakerBoost();

        /**
         * Added to the cosine similarity of the memories said within the day, month or year a query
         * names ("on October 13, 2023", "in July 2023", "in 2023"; QueryPeriod), when ranking, unless the
         * request filters by time itself; 0 turns it off. Costs one more search, only for such queries.
         * 0.3: of 0, 0.05, 0.1, 0.2, 0.3 and 0.5, replayed on LoCoMo dev and REALTALK dev, recall rose
         * up to 0.3 on both sets (on the questions that name a period, hybrid any@5 0.536 to 0.762 on
         * LoCoMo's 84 and 0.559 to 0.647 on REALTALK's 34; no column of all questions fell); 0.5 was no
         * better on both, and comes closer to a filter, which would lose evidence said near the named
         * day rather than on it (BENCHMARKS.md, "Dates in the question").
         */
        @WithDefault("0.3")
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        double timeBoost();
    }

    /** Okapi BM25 parameters of the {@code context} strategy. */
    interface ContextRetrieverConfig {
        /** Term-frequency saturation. */
        @WithDefault("1.2")
        @DecimalMin("0.0")
        @DecimalMax("3.0")
        double k1();

        /** Document-length normalization: 0 none, 1 full. */
        @WithDefault("0.75")
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        double b();

        /**
         * Memories scored per query at most. The query's terms are taken rarest first while the
         * memories holding them number at most this, so the ranking is exact BM25 whenever the query's
         * terms occur in no more memories; beyond that the most common terms (a speaker's name in
         * every other memory) still add to the scores but find no memories (LexicalRepository).
         */
        @WithDefault("1000")
        @Min(10)
        @Max(10_000_000)
        int maxCandidates();
    }

    /** Reciprocal rank fusion of the {@code hybrid} strategy. */
    interface HybridRetrieverConfig {
        /**
         * RRF constant k in 1 / (k + rank); larger flattens the advantage of top ranks. 5 rather than
         * the customary 60 (tuned for fusing many long TREC runs): with two lists this different, the
         * top of each is worth more than agreement deep down; on LoCoMo turns and observations and on
         * LongMemEval it was never worse than 60 and up to 8 points better (BENCHMARKS.md, fusion).
         */
        @WithDefault("5")
        @Min(1)
        @Max(1000)
        int rrfK();

        /** Entries taken from each strategy before fusion (at least the request's limit). */
        @WithDefault("50")
        @Min(1)
        @Max(1000)
        int candidates();
    }

    interface RetrieveConfig {
        /** Memories returned when a request gives no limit. */
        @WithDefault("10")
        @Min(1)
        int defaultLimit();

        /** Largest limit a request may ask for. */
        @WithDefault("100")
        @Min(1)
        @Max(1000)
        int maxLimit();

        /**
         * Size of a Retrieve answer or ListMemories page at most, in UTF-8 bytes of its texts (ResponseBudget):
         * a Retrieve past it answers fewer memories (truncated), a page ends early (its token continues).
         * Default 3 MiB, below the 4 MiB default gRPC clients accept.
         */
        @WithDefault("3145728")
        @Min(65536)
        int maxResponseBytes();
    }
}
