package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the hybrid strategy searches its two lists side by side (HybridRetriever.parallel). */
class HybridParallelismTest {

    @Test
    void aLoneRetrievalOnTwoCoresSearchesBothListsAtOnce() {
        assertThat(HybridRetriever.parallel(1, 2)).isTrue();
    }

    @Test
    void withMoreRetrievalsThanPairsOfCoresTheListsGoOneAfterTheOther() {
        assertThat(HybridRetriever.parallel(2, 2)).isFalse();
        assertThat(HybridRetriever.parallel(3, 4)).isFalse();
    }

    @Test
    void moreCoresLetMoreRetrievalsSearchSideBySide() {
        assertThat(HybridRetriever.parallel(2, 4)).isTrue();
        assertThat(HybridRetriever.parallel(8, 16)).isTrue();
    }

    @Test
    void oneCoreNeverSplits() {
        assertThat(HybridRetriever.parallel(1, 1)).isFalse();
    }
}
