package io.lightmem.store;

import static io.lightmem.store.StoredMemories.freshOwner;
import static io.lightmem.store.StoredMemories.sameUserElsewhere;
import static io.lightmem.store.StoredMemories.store;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.Owner;
import io.lightmem.store.ConsolidationRepository.Question;
import io.lightmem.store.ConsolidationRepository.Target;
import io.lightmem.store.UpdateQueueRepository.Search;
import io.lightmem.testing.Rows;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Consolidation's bookkeeping: runs, the scheduler's work list, the targets the update queue makes,
 * and decisions keyed by the question they answer (a target and its sorted sources).
 */
@QuarkusTest
class ConsolidationRepositoryTest {

    @Inject
    ConsolidationRepository consolidation;

    @Inject
    UpdateQueueRepository queue;

    @Inject
    MemoryRepository memories;

    @Inject
    AgroalDataSource dataSource;

    private final Owner owner = freshOwner();

    private String status(long runId) {
        return Rows.strings(dataSource, "SELECT status FROM consolidation_run WHERE run_id = ?::bigint",
                Long.toString(runId)).get(0);
    }

    @Test
    void aNewRunClosesTheOwnersRunsOfItsKindLeftRunningAsInterrupted() {
        Owner otherTenant = sameUserElsewhere(owner);
        long died = consolidation.startRun(owner, "update", "{}");
        long construct = consolidation.startRun(owner, "construct", "{}");
        long elsewhere = consolidation.startRun(otherTenant, "update", "{}");

        long next = consolidation.startRun(owner, "update", "{\"score_threshold\": 0.8}");

        assertThat(next).isNotIn(died, construct, elsewhere);
        assertThat(status(died)).isEqualTo("interrupted");
        assertThat(status(construct)).isEqualTo("running");
        assertThat(status(elsewhere)).isEqualTo("running");
        assertThat(status(next)).isEqualTo("running");
    }

    @Test
    void aRunEndsFinishedWithoutAnErrorAndFailedWithOne() {
        long good = consolidation.startRun(owner, "update", "{}");
        long bad = consolidation.startRun(owner, "construct", "{}");

        consolidation.finishRun(owner, good, 4, 2, 2, null);
        consolidation.finishRun(owner, bad, 0, 0, 0, "the database went away");
        // Another owner cannot end this owner's run.
        long running = consolidation.startRun(owner, "update", "{}");
        consolidation.finishRun(sameUserElsewhere(owner), running, 0, 0, 0, null);

        assertThat(status(good)).isEqualTo("finished");
        assertThat(status(bad)).isEqualTo("failed");
        assertThat(status(running)).isEqualTo("running");
    }

    @Test
    void theSchedulerListsUsersChangedSinceTheirLastFinishedRunNeverConsolidatedFirst() {
        Owner consolidated = new Owner(owner.tenantId(), "a-consolidated-" + UUID.randomUUID());
        Owner neverB = new Owner(owner.tenantId(), "b-never-" + UUID.randomUUID());
        Owner neverA = new Owner(owner.tenantId(), "a-never-" + UUID.randomUUID());
        Owner upToDate = new Owner(owner.tenantId(), "c-up-to-date-" + UUID.randomUUID());
        Owner failedOnly = new Owner(owner.tenantId(), "d-failed-" + UUID.randomUUID());
        for (Owner each : List.of(consolidated, neverB, neverA, upToDate, failedOnly)) {
            store(memories, each, "I grow tomatoes.", "2024-03-01T10:00:00Z", 0);
        }
        consolidation.finishRun(consolidated, consolidation.startRun(consolidated, "update", "{}"), 1, 0, 0, null);
        consolidation.finishRun(upToDate, consolidation.startRun(upToDate, "update", "{}"), 1, 0, 0, null);
        consolidation.finishRun(failedOnly, consolidation.startRun(failedOnly, "update", "{}"), 0, 0, 0, "failed");
        // The consolidated user changes again after the run; the other's run is newer than its change.
        store(memories, consolidated, "I grow potatoes now.", "2024-04-01T10:00:00Z", 10);

        List<Owner> due = consolidation.usersToConsolidate("update", owner.tenantId(), 1_000_000);

        // Never (successfully) consolidated users first, by id; then by how long they have waited.
        assertThat(due).containsExactly(neverA, neverB, failedOnly, consolidated);
        // A run of another kind does not count.
        assertThat(consolidation.usersToConsolidate("construct", null, 1_000_000)).contains(upToDate);
        // Another tenant's pass (RunConsolidation of its credential) sees none of them.
        assertThat(consolidation.usersToConsolidate("update", "another-" + UUID.randomUUID(), 1_000_000)).isEmpty();
    }

    /** Three entries a month apart; the newest two are near the oldest, the middle one nearer. */
    private List<MemoryEntry> aTargetWithTwoSources() {
        MemoryEntry target = store(memories, owner, "User lives in New York.", "2024-01-01T10:00:00Z", 0);
        MemoryEntry near = store(memories, owner, "User moved to Boston.", "2024-02-01T10:00:00Z", 20);
        MemoryEntry far = store(memories, owner, "User moved again, to Chicago.", "2024-03-01T10:00:00Z", 40);
        queue.rebuild(owner, List.of(target.id(), near.id(), far.id()), 5, 5, 40, Search.EXACT);
        return List.of(target, near, far);
    }

    /** Sorted as PostgreSQL sorts uuids: by their bytes, as their text sorts. */
    private static List<UUID> sorted(UUID... ids) {
        return Stream.of(ids).sorted(Comparator.comparing(UUID::toString)).toList();
    }

    @Test
    void aTargetIsAnOlderEntryQueuedByNewerOnesAtOrAboveTheThresholdWithItsSourcesSorted() {
        List<MemoryEntry> entries = aTargetWithTwoSources();
        UUID target = entries.get(0).id();
        UUID near = entries.get(1).id();
        UUID far = entries.get(2).id();

        // cos 20° = 0.94, cos 40° = 0.77: the middle entry is also a target (of the newest one).
        assertThat(consolidation.targets(owner, 0.7, null)).containsExactly(
                new Target(target, sorted(near, far), false), new Target(near, List.of(far), false));
        assertThat(consolidation.targets(owner, 0.9, null)).containsExactly(
                new Target(target, List.of(near), false), new Target(near, List.of(far), false));
        assertThat(consolidation.targets(owner, 0.95, null)).isEmpty();
        // Restricted to the candidates of given entries (what an online update asks after an add).
        assertThat(consolidation.targets(owner, 0.9, List.of(near))).extracting(Target::targetId).containsExactly(target);
        assertThat(consolidation.targets(sameUserElsewhere(owner), 0.0, null)).isEmpty();
    }

    @Test
    void aQuestionIsDecidedOnceAndAskedAgainOnlyWhenItsSourcesChange() {
        List<MemoryEntry> entries = aTargetWithTwoSources();
        UUID target = entries.get(0).id();
        List<UUID> sources = sorted(entries.get(1).id(), entries.get(2).id());
        long run = consolidation.startRun(owner, "update", "{}");

        assertThat(consolidation.recordDecision(owner, target, sources, "ignore", null, run)).isTrue();
        // The same question again (a concurrent or repeated run) is not decided twice.
        assertThat(consolidation.recordDecision(owner, target, sources, "delete", null, run)).isFalse();
        assertThat(consolidation.targets(owner, 0.7, null)).filteredOn(t -> t.targetId().equals(target))
                .singleElement().extracting(Target::decided).isEqualTo(true);

        // A newer entry joins the sources: a different question, open again.
        MemoryEntry newest = store(memories, owner, "User lives in Chicago now.", "2024-04-01T10:00:00Z", 10);
        queue.rebuild(owner, List.of(newest.id()), 5, 5, 40, Search.EXACT);
        Target asked = consolidation.targets(owner, 0.7, null).stream().filter(t -> t.targetId().equals(target))
                .findFirst().orElseThrow();
        assertThat(asked.sources()).hasSize(3);
        assertThat(asked.decided()).isFalse();
        assertThat(consolidation.recordDecision(owner, target, asked.sources(), "update", "User lives in Chicago.", run))
                .isTrue();
        // The same question under another owner is that owner's own.
        assertThat(consolidation.recordDecision(sameUserElsewhere(owner), target, sources, "ignore", null, run))
                .isTrue();
    }

    @Test
    void aDecisionIsLinkedToTheChangeItMade() {
        List<MemoryEntry> entries = aTargetWithTwoSources();
        UUID target = entries.get(0).id();
        List<UUID> sources = sorted(entries.get(1).id(), entries.get(2).id());
        consolidation.recordDecision(owner, target, sources, "delete", null, consolidation.startRun(owner, "update", "{}"));

        consolidation.linkChange(owner, target, sources, 4711);

        assertThat(Rows.strings(dataSource, "SELECT change_id FROM consolidation_decision WHERE target_id = ?::uuid",
                target.toString())).containsExactly("4711");
    }

    @Test
    void aQuestionShowsTheTargetAndItsSourcesThatStillExistOldestFirst() {
        List<MemoryEntry> entries = aTargetWithTwoSources();
        Target target = consolidation.targets(owner, 0.7, null).get(0);
        memories.delete(owner, entries.get(1).id());

        Question question = consolidation.question(owner, target);

        assertThat(question.target().memory()).isEqualTo("User lives in New York.");
        assertThat(question.sources()).extracting(MemoryEntry::memory).containsExactly("User moved again, to Chicago.");
        // The target gone (or not this owner's): nothing to ask.
        assertThat(consolidation.question(sameUserElsewhere(owner), target)).isNull();
        memories.delete(owner, entries.get(0).id());
        assertThat(consolidation.question(owner, target)).isNull();
    }
}
