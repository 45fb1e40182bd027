package io.lightmem.store;

import static io.lightmem.store.StoredMemories.freshOwner;
import static io.lightmem.store.StoredMemories.sameUserElsewhere;
import static io.lightmem.store.StoredMemories.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.Owner;
import io.lightmem.memory.ScoredMemory;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MemoryRepository.nearest, searched exactly and on the HNSW index: the same nearest memories,
 * nearest first, of the owner's scope only, filters applied; and the scope size the choice reads.
 */
@QuarkusTest
class NearestSearchTest {

    @Inject
    MemoryRepository memories;

    private final Owner owner = freshOwner();

    private List<String> nearestTexts(double degrees, int limit, MemoryFilter filter, VectorSearch search) {
        return memories.nearest(owner, StoredMemories.at(degrees), limit, filter, search).stream()
                .map(found -> found.entry().memory()).toList();
    }

    private void storeFive() {
        store(memories, owner, "at 0", "2024-01-01T00:00:00Z", 0);
        store(memories, owner, "at 10", "2024-01-02T00:00:00Z", 10);
        store(memories, owner, "at 30", "2024-01-03T00:00:00Z", 30);
        store(memories, owner, "at 60", "2024-01-04T00:00:00Z", 60);
        store(memories, owner, "at 90", "2024-01-05T00:00:00Z", 90);
        store(memories, sameUserElsewhere(owner), "another tenant's, at 8", "2024-01-01T00:00:00Z", 8);
    }

    @Test
    void exactAndIndexSearchFindTheSameNearestMemoriesNearestFirst() {
        storeFive();

        List<String> exact = nearestTexts(8, 3, MemoryFilter.NONE, VectorSearch.exact());
        List<String> index = nearestTexts(8, 3, MemoryFilter.NONE, VectorSearch.hnsw(40));

        assertThat(exact).containsExactly("at 10", "at 0", "at 30");
        assertThat(index).isEqualTo(exact);
    }

    @Test
    void theSimilarityIsTheCosineInBothSearches() {
        storeFive();
        for (VectorSearch search : List.of(VectorSearch.exact(), VectorSearch.hnsw(40))) {
            ScoredMemory nearest = memories.nearest(owner, StoredMemories.at(0), 1, MemoryFilter.NONE, search).get(0);
            assertThat(nearest.similarity()).as(search.toString()).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void filtersApplyToTheExactSearch() {
        storeFive();
        MemoryFilter fromThirdDay = new MemoryFilter(Instant.parse("2024-01-03T00:00:00Z"), null, null, null);

        assertThat(nearestTexts(0, 2, fromThirdDay, VectorSearch.exact())).containsExactly("at 30", "at 60");
        assertThat(nearestTexts(0, 2, fromThirdDay, VectorSearch.hnsw(40))).containsExactly("at 30", "at 60");
    }

    @Test
    void theScopeSizeCountsTheOwnersMemoriesOnly() {
        assertThat(memories.scopeSize(owner)).isZero();
        storeFive();

        assertThat(memories.scopeSize(owner)).isEqualTo(5);
        memories.delete(owner, memories.nearest(owner, StoredMemories.at(0), 1, MemoryFilter.NONE,
                VectorSearch.exact()).get(0).entry().id());
        assertThat(memories.scopeSize(owner)).isEqualTo(4);
    }
}
