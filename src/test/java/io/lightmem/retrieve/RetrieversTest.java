package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.InvalidArgumentException;
import io.lightmem.memory.RetrievalStrategy;
import io.lightmem.memory.ScoredMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up check between what is indexed and what is retrieved. */
class RetrieversTest {

    @Test
    void hybridIndexServesEveryStrategy() {
        for (RetrievalStrategy retrieve : RetrievalStrategy.values()) {
            assertThatCode(() -> Retrievers.check(RetrievalStrategy.hybrid, retrieve)).doesNotThrowAnyException();
        }
    }

    @Test
    void eachSingleIndexServesOnlyItsOwnStrategy() {
        assertThatCode(() -> Retrievers.check(RetrievalStrategy.embedding, RetrievalStrategy.embedding)).doesNotThrowAnyException();
        assertThatCode(() -> Retrievers.check(RetrievalStrategy.context, RetrievalStrategy.context)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Retrievers.check(RetrievalStrategy.context, RetrievalStrategy.hybrid))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void requestForAStrategyTheInstanceDoesNotIndexIsInvalidNamingTheField() {
        Retrievers embeddingOnly = new Retrievers(List.of(fake(RetrievalStrategy.embedding), fake(RetrievalStrategy.context)),
                RetrievalStrategy.embedding, RetrievalStrategy.embedding);

        assertThat(embeddingOnly.forRequest(null, "strategy").strategy()).isEqualTo(RetrievalStrategy.embedding);
        assertThatThrownBy(() -> embeddingOnly.forRequest(RetrievalStrategy.context, "strategy"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("strategy: context retrieval needs the lexical index, which this instance does not"
                        + " maintain (lightmem.index-strategy=embedding)");
    }

    @Test
    void unspecifiedStrategyResolvesToTheConfiguredDefault() {
        Retrievers contextDefault = new Retrievers(List.of(fake(RetrievalStrategy.embedding), fake(RetrievalStrategy.context)),
                RetrievalStrategy.hybrid, RetrievalStrategy.context);

        assertThat(contextDefault.forRequest(null, "strategy").strategy()).isEqualTo(RetrievalStrategy.context);
        assertThat(contextDefault.forRequest(RetrievalStrategy.embedding, "strategy").strategy()).isEqualTo(RetrievalStrategy.embedding);
    }

    private static Retriever fake(RetrievalStrategy strategy) {
        return new Retriever() {
            @Override
            public RetrievalStrategy strategy() {
                return strategy;
            }

            @Override
            public List<ScoredMemory> retrieve(SearchRequest request) {
                return List.of();
            }
        };
    }

    @Test
    void mismatchFailsWithAMessageNamingBothKeysAndTheFix() {
        assertThatThrownBy(() -> Retrievers.check(RetrievalStrategy.embedding, RetrievalStrategy.context))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lightmem.retrieve-strategy=context needs the lexical index")
                .hasMessageContaining("lightmem.index-strategy=embedding maintains only the embedding index")
                .hasMessageContaining("set lightmem.index-strategy=context or hybrid");
    }
}
