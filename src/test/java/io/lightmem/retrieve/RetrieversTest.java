package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.InvalidArgumentException;
import io.lightmem.config.LightMemConfig.Strategy;
import io.lightmem.store.MemoryRepository.Scored;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up check between what is indexed and what is retrieved. */
class RetrieversTest {

    @Test
    void hybridIndexServesEveryStrategy() {
        for (Strategy retrieve : Strategy.values()) {
            assertThatCode(() -> Retrievers.check(Strategy.hybrid, retrieve)).doesNotThrowAnyException();
        }
    }

    @Test
    void eachSingleIndexServesOnlyItsOwnStrategy() {
        assertThatCode(() -> Retrievers.check(Strategy.embedding, Strategy.embedding)).doesNotThrowAnyException();
        assertThatCode(() -> Retrievers.check(Strategy.context, Strategy.context)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Retrievers.check(Strategy.context, Strategy.hybrid))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void requestForAStrategyTheInstanceDoesNotIndexIsInvalidNamingTheField() {
        Retrievers embeddingOnly = new Retrievers(List.of(fake(Strategy.embedding), fake(Strategy.context)),
                Strategy.embedding, Strategy.embedding);

        assertThat(embeddingOnly.forRequest(null, "strategy").strategy()).isEqualTo(Strategy.embedding);
        assertThatThrownBy(() -> embeddingOnly.forRequest(Strategy.context, "strategy"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("strategy: context retrieval needs the lexical index, which this instance does not"
                        + " maintain (lightmem.index-strategy=embedding)");
    }

    @Test
    void unspecifiedStrategyResolvesToTheConfiguredDefault() {
        Retrievers contextDefault = new Retrievers(List.of(fake(Strategy.embedding), fake(Strategy.context)),
                Strategy.hybrid, Strategy.context);

        assertThat(contextDefault.forRequest(null, "strategy").strategy()).isEqualTo(Strategy.context);
        assertThat(contextDefault.forRequest(Strategy.embedding, "strategy").strategy()).isEqualTo(Strategy.embedding);
    }

    private static Retriever fake(Strategy strategy) {
        return new Retriever() {
            @Override
            public Strategy strategy() {
                return strategy;
            }

            @Override
            public List<Scored> retrieve(SearchRequest request) {
                return List.of();
            }
        };
    }

    @Test
    void mismatchFailsWithAMessageNamingBothKeysAndTheFix() {
        assertThatThrownBy(() -> Retrievers.check(Strategy.embedding, Strategy.context))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lightmem.retrieve-strategy=context needs the lexical index")
                .hasMessageContaining("lightmem.index-strategy=embedding maintains only the embedding index")
                .hasMessageContaining("set lightmem.index-strategy=context or hybrid");
    }
}
