package io.lightmem.client;

import java.time.Instant;

/**
 * Restrictions and ranking of a retrieval; null or 0 fields do not restrict.
 *
 * @param from only memories at or after this time
 * @param to only memories strictly before this time
 * @param speakerName only memories of this speaker
 * @param category only memories of this category
 * @param efSearch HNSW candidate list (1–1000) for the embedding and hybrid strategies; 0 = the service's
 * @param queryTime when the question is asked: relative times in it ("last week", "two months ago") are read
 *                  against it; null = when the request reaches the service
 */
public record RetrieveOptions(RetrieveStrategy strategy, Instant from, Instant to, String speakerName,
        String category, int efSearch, Instant queryTime) {

    private static final RetrieveOptions DEFAULTS = new RetrieveOptions(RetrieveStrategy.DEFAULT, null, null, null,
            null, 0, null);

    public RetrieveOptions {
        strategy = strategy == null ? RetrieveStrategy.DEFAULT : strategy;
    }

    /** The options before query times existed: the question is asked when the request reaches the service. */
    public RetrieveOptions(RetrieveStrategy strategy, Instant from, Instant to, String speakerName, String category,
            int efSearch) {
        this(strategy, from, to, speakerName, category, efSearch, null);
    }

    public static RetrieveOptions defaults() {
        return DEFAULTS;
    }

    public RetrieveOptions strategy(RetrieveStrategy value) {
        return new RetrieveOptions(value, from, to, speakerName, category, efSearch, queryTime);
    }

    public RetrieveOptions between(Instant fromInclusive, Instant toExclusive) {
        return new RetrieveOptions(strategy, fromInclusive, toExclusive, speakerName, category, efSearch, queryTime);
    }

    public RetrieveOptions speakerName(String value) {
        return new RetrieveOptions(strategy, from, to, value, category, efSearch, queryTime);
    }

    public RetrieveOptions category(String value) {
        return new RetrieveOptions(strategy, from, to, speakerName, value, efSearch, queryTime);
    }

    public RetrieveOptions efSearch(int value) {
        return new RetrieveOptions(strategy, from, to, speakerName, category, value, queryTime);
    }

    public RetrieveOptions queryTime(Instant value) {
        return new RetrieveOptions(strategy, from, to, speakerName, category, efSearch, value);
    }
}
