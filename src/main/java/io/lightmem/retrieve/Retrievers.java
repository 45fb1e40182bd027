package io.lightmem.retrieve;

import io.lightmem.InvalidArgumentException;
import io.lightmem.config.LightMemConfig;
import io.lightmem.config.LightMemConfig.Strategy;
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

    private final Map<Strategy, Retriever> byStrategy = new EnumMap<>(Strategy.class);
    private final Strategy indexStrategy;
    private final Strategy defaultStrategy;

    @Inject
    public Retrievers(Instance<Retriever> retrievers, LightMemConfig config) {
        this(retrievers, config.indexStrategy(), config.retrieveStrategy());
    }

    Retrievers(Iterable<Retriever> retrievers, Strategy indexStrategy, Strategy defaultStrategy) {
        retrievers.forEach(r -> byStrategy.put(r.strategy(), r));
        this.indexStrategy = indexStrategy;
        this.defaultStrategy = defaultStrategy;
        check(indexStrategy, defaultStrategy);
    }

    /** @throws IllegalStateException when {@code index} does not maintain what {@code retrieve} needs */
    static void check(Strategy index, Strategy retrieve) {
        if (!index.serves(retrieve)) {
            throw new IllegalStateException("lightmem.retrieve-strategy=" + retrieve + " needs the " + needs(retrieve)
                    + ", but lightmem.index-strategy=" + index + " maintains only the " + needs(index)
                    + "; set lightmem.index-strategy=" + retrieve + " or hybrid, or choose lightmem.retrieve-strategy="
                    + index);
        }
    }

    private static String needs(Strategy strategy) {
        return switch (strategy) {
            case embedding -> "embedding index";
            case context -> "lexical index";
            case hybrid -> "embedding and lexical indexes";
        };
    }

    public Strategy defaultStrategy() {
        return defaultStrategy;
    }

    /**
     * The retriever for a request's strategy (null: the configured default).
     *
     * @throws InvalidArgumentException naming {@code field} when this instance does not index for it
     */
    public Retriever forRequest(Strategy requested, String field) {
        Strategy strategy = requested == null ? defaultStrategy : requested;
        if (!indexStrategy.serves(strategy)) {
            throw new InvalidArgumentException(field, strategy + " retrieval needs the " + needs(strategy)
                    + ", which this instance does not maintain (lightmem.index-strategy=" + indexStrategy + ")");
        }
        return byStrategy.get(strategy);
    }
}
