package io.lightmem.store;

import static io.lightmem.store.StoredMemories.freshOwner;
import static io.lightmem.store.StoredMemories.sameUserElsewhere;
import static io.lightmem.store.StoredMemories.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.Owner;
import io.lightmem.store.UpdateQueueRepository.EntryKey;
import io.lightmem.store.UpdateQueueRepository.QueuedCandidate;
import io.lightmem.store.UpdateQueueRepository.Search;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The update queue: for each entry, its most similar older entries of the same owner, best first,
 * scored by cosine similarity; "older" is time order with the id breaking ties.
 */
@QuarkusTest
class UpdateQueueRepositoryTest {

    @Inject
    UpdateQueueRepository queue;

    @Inject
    MemoryRepository memories;

    private final Owner owner = freshOwner();

    /** Four entries a day apart, at 0°, 10°, 50° and 15° (cosine similarity = cosine of the angle between). */
    private List<MemoryEntry> fourDays() {
        return List.of(
                store(memories, owner, "User lives in Lisbon.", "2024-03-01T10:00:00Z", 0),
                store(memories, owner, "User lives in Lisbon, near the river.", "2024-03-02T10:00:00Z", 10),
                store(memories, owner, "User plays the cello.", "2024-03-03T10:00:00Z", 50),
                store(memories, owner, "User moved within Lisbon.", "2024-03-04T10:00:00Z", 15));
    }

    private static List<UUID> ids(List<MemoryEntry> entries) {
        return entries.stream().map(MemoryEntry::id).toList();
    }

    private List<UUID> candidates(UUID entryId) {
        return queue.queueOf(owner, entryId).stream().map(QueuedCandidate::candidateId).toList();
    }

    @Test
    void eachEntryQueuesItsMostSimilarOlderEntriesBestFirstWithTheCosineAsScore() {
        List<MemoryEntry> e = fourDays();

        int rows = queue.rebuild(owner, ids(e), 3, 2, 40, Search.EXACT);

        assertThat(rows).isEqualTo(0 + 1 + 2 + 2);
        assertThat(queue.queueOf(owner, e.get(0).id())).isEmpty();
        assertThat(candidates(e.get(1).id())).containsExactly(e.get(0).id());
        assertThat(candidates(e.get(2).id())).containsExactly(e.get(1).id(), e.get(0).id());
        // Of its three older entries the newest one keeps the two nearest, never a newer one.
        List<QueuedCandidate> last = queue.queueOf(owner, e.get(3).id());
        assertThat(last).extracting(QueuedCandidate::candidateId).containsExactly(e.get(1).id(), e.get(0).id());
        assertThat(last).extracting(QueuedCandidate::rank).containsExactly(1, 2);
        assertThat(last.get(0).score()).isCloseTo(Math.cos(Math.toRadians(5)), within(1e-5));
        assertThat(last.get(1).score()).isCloseTo(Math.cos(Math.toRadians(15)), within(1e-5));
    }

    @Test
    void onlyTheTopKNearestAreConsideredForKeeping() {
        List<MemoryEntry> e = fourDays();

        queue.rebuild(owner, List.of(e.get(3).id()), 1, 3, 40, Search.EXACT);

        assertThat(candidates(e.get(3).id())).containsExactly(e.get(1).id());
    }

    @Test
    void aRebuildReplacesTheQueuesOfItsEntriesOnlyAndCanBeRepeated() {
        List<MemoryEntry> e = fourDays();
        int rows = queue.rebuild(owner, ids(e), 3, 2, 40, Search.EXACT);

        assertThat(queue.rebuild(owner, ids(e), 3, 2, 40, Search.EXACT)).isEqualTo(rows);
        assertThat(candidates(e.get(3).id())).containsExactly(e.get(1).id(), e.get(0).id());

        queue.rebuild(owner, List.of(e.get(3).id()), 1, 1, 40, Search.EXACT);
        assertThat(candidates(e.get(3).id())).containsExactly(e.get(1).id());
        assertThat(candidates(e.get(2).id())).containsExactly(e.get(1).id(), e.get(0).id());
    }

    @Test
    void ofTwoEntriesOfTheSameTimeOnlyTheOneWithTheGreaterIdQueuesTheOther() {
        MemoryEntry a = store(memories, owner, "User keeps bees.", "2024-03-01T10:00:00Z", 0);
        MemoryEntry b = store(memories, owner, "User keeps honey bees.", "2024-03-01T10:00:00Z", 1);
        // PostgreSQL orders uuids by their bytes, as their text sorts.
        MemoryEntry first = a.id().toString().compareTo(b.id().toString()) < 0 ? a : b;
        MemoryEntry second = first == a ? b : a;

        queue.rebuild(owner, List.of(a.id(), b.id()), 5, 5, 40, Search.EXACT);

        assertThat(candidates(first.id())).isEmpty();
        assertThat(candidates(second.id())).containsExactly(first.id());
    }

    @Test
    void anotherOwnersEntriesAreNeverCandidates() {
        Owner otherTenant = sameUserElsewhere(owner);
        store(memories, otherTenant, "User lives in Lisbon.", "2024-01-01T10:00:00Z", 5);
        MemoryEntry mine = store(memories, owner, "User lives in Lisbon.", "2024-03-01T10:00:00Z", 5);
        MemoryEntry theirs = store(memories, otherTenant, "User lives in Porto.", "2024-04-01T10:00:00Z", 5);

        assertThat(queue.rebuild(owner, List.of(mine.id()), 5, 5, 40, Search.EXACT)).isZero();
        // Naming another owner's entry builds nothing for it.
        assertThat(queue.rebuild(owner, List.of(theirs.id()), 5, 5, 40, Search.EXACT)).isZero();
        assertThat(queue.queueOf(otherTenant, theirs.id())).isEmpty();
    }

    @Test
    void entriesArePagedOldestFirstWithTheIdBreakingTiesAndCountedInTheSameOrder() {
        List<MemoryEntry> stored = new ArrayList<>(fourDays());
        stored.add(store(memories, owner, "User cycles to work.", "2024-03-02T10:00:00Z", 70));
        stored.add(store(memories, owner, "User walks to work.", "2024-03-02T10:00:00Z", 80));
        store(memories, sameUserElsewhere(owner), "Not this owner's.", "2024-03-02T10:00:00Z", 80);
        List<EntryKey> expected = stored.stream()
                .map(entry -> new EntryKey(entry.id(), entry.timeStamp().toEpochSecond()))
                .sorted(Comparator.comparingDouble(EntryKey::floatTimeStamp).thenComparing(key -> key.id().toString()))
                .toList();

        List<EntryKey> paged = new ArrayList<>();
        EntryKey after = null;
        List<EntryKey> page;
        while (!(page = queue.entriesAfter(owner, after, 2)).isEmpty()) {
            assertThat(page).hasSizeLessThanOrEqualTo(2);
            paged.addAll(page);
            after = page.get(page.size() - 1);
        }

        assertThat(paged).isEqualTo(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(queue.countOlder(owner, expected.get(i))).isEqualTo(i);
        }
    }
}
