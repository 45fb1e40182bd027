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
 */
public record RetrieveOptions(RetrieveStrategy strategy, Instant from, Instant to, String speakerName,
        String category, int efSearch) {

    private static final RetrieveOptions DEFAULTS = new RetrieveOptions(RetrieveStrategy.DEFAULT, null, null, null,
            null, 0);

    public RetrieveOptions {
        strategy = strategy == null ? RetrieveStrategy.DEFAULT : strategy;
    }

    public static RetrieveOptions defaults() {
        return DEFAULTS;
    }

    public RetrieveOptions strategy(RetrieveStrategy value) {
        return new RetrieveOptions(value, from, to, speakerName, category, efSearch);
    }

    public RetrieveOptions between(Instant fromInclusive, Instant toExclusive) {
        return new RetrieveOptions(strategy, fromInclusive, toExclusive, speakerName, category, efSearch);
    }

    public RetrieveOptions speakerName(String value) {
        return new RetrieveOptions(strategy, from, to, value, category, efSearch);
    }

    public RetrieveOptions category(String value) {
        return new RetrieveOptions(strategy, from, to, speakerName, value, efSearch);
    }

    public RetrieveOptions efSearch(int value) {
        return new RetrieveOptions(strategy, from, to, speakerName, category, value);
    }
}
