package io.lightmem.consolidate;

import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.Owner;
import io.lightmem.store.ConsolidationRepository;
import io.lightmem.store.ConsolidationRepository.Question;
import io.lightmem.store.HistoryRepository;
import io.lightmem.store.MemoryRepository;
import jakarta.enterprise.context.ApplicationScoped;
import io.lightmem.store.RetriedOnConflict;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;

/** Applies one decision in one transaction: the decision row, the history row and the change happen together or not at all. */
@ApplicationScoped
public class DecisionApplier {

    /** @param changeId history entry of an update or delete; null for ignore or when skipped */
    public record Applied(boolean applied, Long changeId) {
        static final Applied SKIPPED = new Applied(false, null);
    }

    private final ConsolidationRepository decisions;
    private final MemoryRepository memories;
    private final HistoryRepository history;

    public DecisionApplier(ConsolidationRepository decisions, MemoryRepository memories, HistoryRepository history) {
        this.decisions = decisions;
        this.memories = memories;
        this.history = history;
    }

    /**
     * @param sources the ids of the sources the LLM was shown, in the database's uuid order
     * @param vector the embedding of the merged text, for an update
     * @return skipped when the target was deleted or changed since the question was read, or when the
     *         same question has been decided meanwhile
     */
    @RetriedOnConflict
    @Transactional
    public Applied apply(Owner owner, long runId, Question question, List<UUID> sources, Decision decision,
            float[] vector) {
        UUID targetId = question.target().id();
        MemoryEntry current = memories.lockForChange(owner, targetId);
        if (current == null || !current.memory().equals(question.target().memory())) {
            return Applied.SKIPPED;
        }
        if (!decisions.recordDecision(owner, targetId, sources, decision.action().name(), decision.newMemory(),
                runId)) {
            return Applied.SKIPPED;
        }
        Long changeId = switch (decision.action()) {
            case ignore -> null;
            case update -> {
                Long id = history.recordChange(owner, targetId, "update", decision.newMemory(), runId);
                memories.replaceMemory(owner, targetId, decision.newMemory(), vector);
                yield id;
            }
            case delete -> {
                Long id = history.recordChange(owner, targetId, "delete", null, runId);
                memories.delete(owner, targetId);
                yield id;
            }
        };
        if (changeId != null) {
            decisions.linkChange(owner, targetId, sources, changeId);
        }
        return new Applied(true, changeId);
    }
}
