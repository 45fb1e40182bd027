package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.store.VectorSearch;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** How the service chooses to search a scope's vectors (VectorSearchRule). */
class VectorSearchRuleTest {

    private final VectorSearchRule rule = new VectorSearchRule(5000, OptionalInt.empty());

    @Test
    void aScopeUpToTheExactBoundIsSearchedExactlyWhateverTheRequestAsks() {
        assertThat(rule.choose(0, 10, 0)).isEqualTo(VectorSearch.exact());
        assertThat(rule.choose(5000, 10, 0)).isEqualTo(VectorSearch.exact());
        assertThat(rule.choose(5000, 10, 40)).as("exact is never worse than the index").isEqualTo(VectorSearch.exact());
    }

    @Test
    void aLargerScopeIsSearchedOnTheIndexWithTheRulesEfSearch() {
        VectorSearch search = rule.choose(5001, 10, 0);

        assertThat(search.isExact()).isFalse();
        assertThat(search.efSearch()).isEqualTo(rule.efSearch(5001, 10));
    }

    @Test
    void aRequestsOwnEfSearchIsUsedButNeverBelowTheLimit() {
        assertThat(rule.choose(100_000, 10, 40)).isEqualTo(VectorSearch.hnsw(40));
        assertThat(rule.choose(100_000, 50, 20)).as("ef_search below the limit would cap the results")
                .isEqualTo(VectorSearch.hnsw(50));
    }

    @Test
    void aConfiguredEfSearchReplacesTheRule() {
        VectorSearchRule fixed = new VectorSearchRule(5000, OptionalInt.of(77));

        assertThat(fixed.choose(1_000_000, 10, 0)).isEqualTo(VectorSearch.hnsw(77));
        assertThat(fixed.choose(1_000_000, 10, 300)).as("the request still wins").isEqualTo(VectorSearch.hnsw(300));
        assertThat(fixed.efSearch(1_000_000, 10)).as("consolidation's searches too").isEqualTo(77);
    }

    @Test
    void theRulesEfSearchCoversTheLimitAndStaysWithinPgvectorsBound() {
        assertThat(rule.efSearch(100_000, 10)).isGreaterThanOrEqualTo(10);
        assertThat(rule.efSearch(100_000, 500)).isGreaterThanOrEqualTo(500);
        assertThat(rule.efSearch(100_000_000, 1000)).isLessThanOrEqualTo(VectorSearch.MAX_EF_SEARCH);
    }

    @Test
    void theRulesEfSearchIsItsBaseForTenResultsAndGrowsWithTheLimit() {
        assertThat(rule.efSearch(100_000, 10)).isEqualTo(300);
        assertThat(rule.efSearch(10_000, 10)).isEqualTo(300);
        assertThat(rule.efSearch(100_000, 100)).isEqualTo(300);
        assertThat(rule.efSearch(100_000, 200)).isEqualTo(600);
    }

    @Test
    void theDefaultsSearchScopesUpToTwoThousandMemoriesExactly() {
        VectorSearchRule defaults = VectorSearchRule.withDefaults();

        assertThat(defaults.choose(2000, 10, 0)).isEqualTo(VectorSearch.exact());
        assertThat(defaults.choose(2001, 10, 0)).isEqualTo(VectorSearch.hnsw(300));
    }

    @Test
    void boundZeroSearchesEveryNonEmptyScopeOnTheIndex() {
        VectorSearchRule indexOnly = new VectorSearchRule(0, OptionalInt.empty());

        assertThat(indexOnly.choose(1, 10, 0).isExact()).isFalse();
    }
}
