package io.lightmem.retrieve;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.RetrievalStrategy;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;

/**
 * The strategies this instance serves. Checks at start-up that the configured retrieve strategy
 * is served by the index strategy, so a misconfiguration fails the deployment, not the first request.
 */
@ApplicationScoped
@Startup
public class Retrievers {

    private final Map<RetrievalStrategy, Retriever> byStrategy = new EnumMap<>(RetrievalStrategy.class);
    private final RetrievalStrategy indexStrategy;
    private final RetrievalStrategy defaultStrategy;

    @Inject
    public Retrievers(Instance<Retriever> retrievers, RetrievalConfig config) {
        this(retrievers, config.indexStrategy(), config.retrieveStrategy());
    }

    Retrievers(Iterable<Retriever> retrievers, RetrievalStrategy indexStrategy, RetrievalStrategy defaultStrategy) {
        retrievers.forEach(r -> byStrategy.put(r.strategy(), r));
        this.indexStrategy = indexStrategy;
        this.defaultStrategy = defaultStrategy;
        check(indexStrategy, defaultStrategy);
    }

    /** @throws IllegalStateException when {@code index} does not maintain what {@code retrieve} needs */
    static void check(RetrievalStrategy index, RetrievalStrategy retrieve) {
        if (!index.serves(retrieve)) {
            throw new IllegalStateException("lightmem.retrieve-strategy=" + retrieve + " needs the " + needs(retrieve)
                    + ", but lightmem.index-strategy=" + index + " maintains only the " + needs(index)
                    + "; set lightmem.index-strategy=" + retrieve + " or hybrid, or choose lightmem.retrieve-strategy="
                    + index);
        }
    }

    private static String needs(RetrievalStrategy strategy) {
        return switch (strategy) {
            case embedding -> "embedding index";
            case context -> "lexical index";
            case hybrid -> "embedding and lexical indexes";
        };
    }

    public RetrievalStrategy defaultStrategy() {
        return defaultStrategy;
    }

    /**
     * The retriever for a request's strategy (null: the configured default).
     *
     * @throws InvalidArgumentException naming {@code field} when this instance does not index for it
     */
    public Retriever forRequest(RetrievalStrategy requested, String field) {
        RetrievalStrategy strategy = requested == null ? defaultStrategy : requested;
        if (!indexStrategy.serves(strategy)) {
            throw new InvalidArgumentException(field, strategy + " retrieval needs the " + needs(strategy)
                    + ", which this instance does not maintain (lightmem.index-strategy=" + indexStrategy + ")");
        }
        return byStrategy.get(strategy);
    }
}
