package io.lightmem.consolidate;

import io.lightmem.FailedPreconditionException;
import io.lightmem.InvalidArgumentException;
import io.lightmem.config.Urls;
import io.lightmem.llm.LlmClient;
import io.lightmem.llm.Prompts;
import io.lightmem.memory.MemoriesStored;
import io.lightmem.memory.MemoryEntry;
import io.lightmem.memory.Owner;
import io.lightmem.memory.SessionTimes;
import io.lightmem.model.Embedder;
import io.lightmem.observe.Spans;
import io.lightmem.store.ConsolidationRepository;
import io.lightmem.store.ConsolidationRepository.Question;
import io.lightmem.store.ConsolidationRepository.Target;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Consolidation step 2 (docs/design.md): for each target (an entry that newer entries resemble at or above the
 * threshold),
 * one LLM call decides update, delete or ignore, and the decision is applied to the target only.
 * A decision is durable once taken and is keyed by its question (target + sources): a run decides
 * only questions never decided before, so a rerun after a crash finishes the rest and repeats nothing.
 */
@ApplicationScoped
public class Consolidator {

    private static final Logger LOG = Logger.getLogger(Consolidator.class);
    /** llm_usage.operation of consolidation calls. */
    static final String OPERATION = "update";
    static final String SYSTEM_PROMPT = "prompts/consolidate.v1.system.txt";
    static final String USER_PROMPT = "prompts/consolidate.v1.user.txt";
    static final String RETRY_PROMPT = "prompts/consolidate.v1.retry.txt";

    /** One applied decision. */
    public record Outcome(UUID targetId, List<UUID> sources, Decision.Action action, String newMemory, Long changeId) {
    }

    /**
     * What an update run did.
     *
     * @param targets questions this run had to decide
     * @param alreadyDecided targets whose same question an earlier run decided
     * @param skipped targets deleted or changed while being decided
     * @param remaining targets left undecided because the run stopped early
     * @param abortedReason why it stopped early, or null
     */
    public record UpdateRun(long runId, int targets, int alreadyDecided, List<Outcome> decisions, int skipped,
            int llmCalls, int remaining, String abortedReason) {

        public UpdateRun {
            // The reason quotes failures of the LLM client, which may name its URL.
            abortedReason = Urls.withoutUserInfo(abortedReason);
        }
    }

    private final ConsolidationRepository repository;
    private final DecisionApplier applier;
    private final UpdateQueueBuilder queueBuilder;
    private final ConsolidationLock lock;
    private final LlmClient llm;
    private final Embedder embedder;
    private final Spans spans;
    private final ConsolidationConfig.Consolidation config;
    private final boolean online;
    private final String systemPrompt = Prompts.load(SYSTEM_PROMPT);
    private final String userPrompt = Prompts.load(USER_PROMPT);
    private final String retryPrompt = Prompts.load(RETRY_PROMPT);

    public Consolidator(ConsolidationRepository repository, DecisionApplier applier, UpdateQueueBuilder queueBuilder,
            ConsolidationLock lock, LlmClient llm, Embedder embedder, Spans spans, ConsolidationConfig config) {
        this.repository = repository;
        this.applier = applier;
        this.queueBuilder = queueBuilder;
        this.lock = lock;
        this.llm = llm;
        this.embedder = embedder;
        this.spans = spans;
        this.config = config.consolidation();
        this.online = config.update() == ConsolidationConfig.UpdateMode.online;
        if (online && !llm.available()) {
            LOG.warn("lightmem.update=online without an LLM memory manager: new entries get their update queue,"
                    + " but no decisions are taken");
        }
    }

    /**
     * Decides every target of the user not yet decided with its current sources.
     *
     * @param scoreThreshold null for the configured default
     * @throws FailedPreconditionException without an LLM (the {@code none} memory manager)
     */
    public UpdateRun offlineUpdate(Owner owner, Double scoreThreshold) {
        double threshold = checkOfflineUpdate(scoreThreshold);
        return spans.run("offline_update", () -> lock.underLock(owner, () -> decide(owner, threshold, null,
                "offline")));
    }

    /**
     * Checks what {@link #offlineUpdate} checks, without doing any work; returns the threshold it
     * would use.
     *
     * @throws InvalidArgumentException for a threshold outside [-1, 1]
     * @throws FailedPreconditionException without an LLM
     */
    double checkOfflineUpdate(Double scoreThreshold) {
        double threshold = scoreThreshold == null ? defaultThreshold() : scoreThreshold;
        if (Double.isNaN(threshold) || threshold < -1 || threshold > 1) {
            throw new InvalidArgumentException("score_threshold", "must be a cosine similarity in [-1, 1], got "
                    + scoreThreshold);
        }
        if (!llm.available()) {
            throw new FailedPreconditionException("OfflineUpdate needs an LLM to decide, but the memory manager is"
                    + " 'none'; configure lightmem.memory-manager.model-name and its configs (api-key, base-url)");
        }
        return threshold;
    }

    /** The configured threshold, or the one the embedding model puts where LightMem's 0.8 is for MiniLM. */
    double defaultThreshold() {
        return config.scoreThreshold().orElseGet(() -> embedder.similarityScale().sameFact());
    }

    /**
     * lightmem.update=online: right after an add stored entries, builds their queues and decides the
     * targets they are sources of. Never fails the add: what is left undecided (an LLM failure, or
     * any other error) is decided by the next offline run.
     */
    void onMemoriesStored(@Observes MemoriesStored stored) {
        if (!online || stored.memoryIds().isEmpty()) {
            return;
        }
        try {
            stored.addLlmCalls(afterAdd(stored.owner(), stored.memoryIds()));
        } catch (RuntimeException e) {
            LOG.warnf(e, "online consolidation for user %s failed; the next offline run covers it", stored.owner());
        }
    }

    private int afterAdd(Owner owner, List<UUID> newEntryIds) {
        return spans.run("consolidate_online", () -> lock.underLock(owner, () -> {
            queueBuilder.buildFor(owner, newEntryIds);
            if (!llm.available()) {
                return 0;
            }
            UpdateRun run = decide(owner, defaultThreshold(), newEntryIds, "online");
            if (run.abortedReason() != null) {
                LOG.warnf("online consolidation of user %s stopped early, %d targets left for the next run: %s",
                        owner, run.remaining(), run.abortedReason());
            }
            return run.llmCalls();
        }));
    }

    /** Whether decisions can be taken (an LLM is configured). */
    public boolean canDecide() {
        return llm.available();
    }

    /** The caller holds the user's consolidation lock. */
    private UpdateRun decide(Owner owner, double threshold, List<UUID> onlyCandidatesOf, String trigger) {
        List<Target> all = repository.targets(owner, threshold, onlyCandidatesOf);
        List<Target> todo = all.stream().filter(t -> !t.decided()).toList();
        int alreadyDecided = all.size() - todo.size();
        long runId = repository.startRun(owner, "update",
                "{\"score_threshold\": " + threshold + ", \"trigger\": \"" + trigger + "\"}");
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicReference<String> abort = new AtomicReference<>();
        if (!todo.isEmpty()) {
            // A pool per run: bounded parallelism of LLM calls, and nothing left behind between runs.
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(config.parallelism(), todo.size()));
            try {
                for (Target target : todo) {
                    pool.execute(() -> {
                        if (abort.get() != null) {
                            return; // stop at the first failure; the rest is left for the next run
                        }
                        try {
                            Outcome outcome = decideOne(owner, runId, target, calls);
                            if (outcome == null) {
                                skipped.incrementAndGet();
                            } else {
                                outcomes.add(outcome);
                            }
                            finished.incrementAndGet();
                        } catch (LlmClient.CallFailedException e) {
                            calls.addAndGet(e.calls());
                            abort.compareAndSet(null, e.getMessage());
                        } catch (RuntimeException e) {
                            LOG.errorf(e, "consolidation of target %s of user %s failed", target.targetId(), owner);
                            abort.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                    });
                }
            } finally {
                pool.shutdown();
                awaitQuietly(pool);
            }
        }
        List<Outcome> decided = new ArrayList<>(outcomes);
        repository.finishRun(owner, runId, todo.size(), decided.size(), calls.get(), abort.get());
        return new UpdateRun(runId, todo.size(), alreadyDecided, decided, skipped.get(), calls.get(),
                todo.size() - finished.get(), abort.get());
    }

    /** Returns null when the target was skipped (gone, changed, or without remaining sources). */
    private Outcome decideOne(Owner owner, long runId, Target target, AtomicInteger calls) {
        Question question = repository.question(owner, target);
        if (question == null || question.sources().isEmpty()) {
            return null;
        }
        // Keep the database's uuid order of target.sources() (Java orders UUIDs differently).
        Set<UUID> present = question.sources().stream().map(MemoryEntry::id).collect(Collectors.toSet());
        List<UUID> shown = target.sources().stream().filter(present::contains).toList();
        LlmClient.Result<Decision> answer = llm.askJson(owner, OPERATION, systemPrompt, prompt(question),
                retryPrompt, Decision::parse);
        calls.addAndGet(answer.calls());
        Decision decision = answer.value();
        float[] vector = decision.action() == Decision.Action.update ? embedder.embedPassage(decision.newMemory()) : null;
        DecisionApplier.Applied applied = applier.apply(owner, runId, question, shown, decision, vector);
        return applied.applied()
                ? new Outcome(target.targetId(), shown, decision.action(), decision.newMemory(), applied.changeId())
                : null;
    }

    /** The user prompt: the target and its sources, each as "[time, weekday] memory", oldest first. */
    String prompt(Question question) {
        StringBuilder sources = new StringBuilder();
        for (MemoryEntry source : question.sources()) {
            sources.append(line(source)).append('\n');
        }
        return Prompts.fill(userPrompt, Map.of("target", line(question.target()), "sources",
                sources.toString().stripTrailing()));
    }

    private static String line(MemoryEntry entry) {
        return "[" + SessionTimes.format(entry.timeStamp()) + ", " + entry.weekday() + "] "
                + entry.memory().replace('\n', ' ');
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.debug("waiting for consolidation decisions in flight");
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
