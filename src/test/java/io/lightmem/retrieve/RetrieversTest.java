package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.config.LightMemConfig.Strategy;
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
    void mismatchFailsWithAMessageNamingBothKeysAndTheFix() {
        assertThatThrownBy(() -> Retrievers.check(Strategy.embedding, Strategy.context))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lightmem.retrieve-strategy=context needs the lexical index")
                .hasMessageContaining("lightmem.index-strategy=embedding maintains only the embedding index")
                .hasMessageContaining("set lightmem.index-strategy=context or hybrid");
    }
}
