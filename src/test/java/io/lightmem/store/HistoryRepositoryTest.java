package io.lightmem.store;

import static io.lightmem.store.StoredMemories.at;
import static io.lightmem.store.StoredMemories.freshOwner;
import static io.lightmem.store.StoredMemories.sameUserElsewhere;
import static io.lightmem.store.StoredMemories.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lightmem.memory.MemoryChange;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.MemoryFilter;
import io.lightmem.memory.MemoryMetadata;
import io.lightmem.memory.MemoryRef;
import io.lightmem.memory.NewMemory;
import io.lightmem.memory.Owner;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * memory_history: each update or delete is recorded with the memory as it was, so undo puts back
 * exactly that row, every column and the vector; changes are listed newest first, per owner.
 */
@QuarkusTest
class HistoryRepositoryTest {

    @Inject
    HistoryRepository history;

    @Inject
    MemoryRepository memories;

    private final Owner owner = freshOwner();

    /** A memory with every optional column set, retrieved once (hit_time 1). */
    private MemoryEntry aMemoryWithEverySet() {
        NewMemory memory = new NewMemory("User works as a nurse at Boston General.", "I work as a nurse at Boston General.",
                "nurse Boston General", OffsetDateTime.parse("2024-02-01T18:00:00.250+09:00"), "Thu", "u-1", "Ana", 42L,
                List.of("17", "18"), new MemoryMetadata("work", "job", List.of("nurse"), List.of("Boston General")));
        MemoryEntry stored = memories.insert(owner, List.of(memory), List.of(at(30))).get(0);
        memories.addHits(List.of(new MemoryRef(owner, stored.id())), List.of(1));
        return memories.find(owner, stored.id());
    }

    /** The similarity of the memory's vector to the one at {@code degrees}. */
    private double similarityTo(double degrees, UUID id) {
        return memories.nearest(owner, at(degrees), 10, MemoryFilter.NONE, VectorSearch.exact()).stream()
                .filter(found -> found.entry().id().equals(id)).findFirst().orElseThrow().similarity();
    }

    @Test
    void undoingAnUpdatePutsBackTheWholeRowAndItsVector() {
        MemoryEntry before = aMemoryWithEverySet();
        long change = history.recordChange(owner, before.id(), "update", "User is a surgeon now.", null);
        memories.replaceMemory(owner, before.id(), "User is a surgeon now.", at(120));

        assertThat(history.restoreUpdated(owner, change)).isTrue();

        assertThat(memories.find(owner, before.id())).isEqualTo(before);
        assertThat(similarityTo(30, before.id())).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void undoingADeletePutsTheRowBackWithItsIdAndVector() {
        MemoryEntry before = aMemoryWithEverySet();
        long change = history.recordChange(owner, before.id(), "delete", null, null);
        memories.delete(owner, before.id());

        assertThat(history.restoreDeleted(owner, change)).isTrue();

        assertThat(memories.find(owner, before.id())).isEqualTo(before);
        assertThat(similarityTo(30, before.id())).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void anUpdateOfAMemoryDeletedSinceRestoresNothing() {
        MemoryEntry before = aMemoryWithEverySet();
        long change = history.recordChange(owner, before.id(), "update", "User is a surgeon now.", null);
        memories.delete(owner, before.id());

        assertThat(history.restoreUpdated(owner, change)).isFalse();
        assertThat(memories.find(owner, before.id())).isNull();
    }

    @Test
    void aChangeIsRecordedOnlyForAMemoryOfTheOwner() {
        MemoryEntry mine = store(memories, owner, "User keeps bees.", "2024-03-01T10:00:00Z", 0);

        assertThat(history.recordChange(sameUserElsewhere(owner), mine.id(), "delete", null, null)).isNull();
        assertThat(history.recordChange(owner, UUID.randomUUID(), "delete", null, null)).isNull();
        assertThat(history.list(owner, null, 10)).isEmpty();
    }

    @Test
    void changesAreListedNewestFirstPerMemoryAndPerOwnerUpToTheLimit() {
        MemoryEntry bees = store(memories, owner, "User keeps bees.", "2024-03-01T10:00:00Z", 0);
        MemoryEntry boat = store(memories, owner, "User owns a boat.", "2024-03-02T10:00:00Z", 90);
        long first = history.recordChange(owner, bees.id(), "update", "User keeps two hives.", null);
        long second = history.recordChange(owner, boat.id(), "delete", null, null);
        long third = history.recordChange(owner, bees.id(), "update", "User keeps three hives.", null);

        assertThat(history.list(owner, null, 10)).extracting(MemoryChange::changeId).containsExactly(third, second, first);
        assertThat(history.list(owner, null, 2)).extracting(MemoryChange::changeId).containsExactly(third, second);
        assertThat(history.list(owner, bees.id(), 10)).extracting(MemoryChange::changeId).containsExactly(third, first);
        assertThat(history.list(sameUserElsewhere(owner), null, 10)).isEmpty();
        assertThat(history.list(owner, null, 10).get(2)).satisfies(change -> {
            assertThat(change.memoryId()).isEqualTo(bees.id());
            assertThat(change.action()).isEqualTo("update");
            assertThat(change.oldMemory()).isEqualTo("User keeps bees.");
            assertThat(change.newMemory()).isEqualTo("User keeps two hives.");
            assertThat(change.undoneAt()).isNull();
            assertThat(change.runId()).isNull();
        });
    }

    @Test
    void aChangeIsLockedOnlyByItsOwner() {
        MemoryEntry bees = store(memories, owner, "User keeps bees.", "2024-03-01T10:00:00Z", 0);
        long change = history.recordChange(owner, bees.id(), "delete", null, null);

        assertThat(history.lock(owner, change).changeId()).isEqualTo(change);
        assertThat(history.lock(sameUserElsewhere(owner), change)).isNull();
        assertThat(history.restoreDeleted(sameUserElsewhere(owner), change)).isFalse();
    }

    @Test
    void theChangeStillInEffectAfterAnotherIsTheOldestLaterOneNotUndone() {
        MemoryEntry bees = store(memories, owner, "User keeps bees.", "2024-03-01T10:00:00Z", 0);
        long first = history.recordChange(owner, bees.id(), "update", "User keeps two hives.", null);
        long second = history.recordChange(owner, bees.id(), "update", "User keeps three hives.", null);
        long third = history.recordChange(owner, bees.id(), "update", "User keeps four hives.", null);

        assertThat(history.laterInEffect(owner, bees.id(), first).changeId()).isEqualTo(second);
        history.markUndone(owner, second);
        assertThat(history.laterInEffect(owner, bees.id(), first).changeId()).isEqualTo(third);
        assertThat(history.laterInEffect(owner, bees.id(), third)).isNull();
        assertThat(history.list(owner, bees.id(), 10)).filteredOn(c -> c.changeId() == second).singleElement()
                .satisfies(c -> assertThat(c.undoneAt()).isNotNull());
    }
}
