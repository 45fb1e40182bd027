package io.lightmem.consolidate;

import io.lightmem.BusyException;
import io.lightmem.memory.Owner;
import io.lightmem.store.ConsolidationRepository;
import io.lightmem.store.EmbeddingModelGuard;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Periodic consolidation (off by default): construct + update for each user whose entries changed
 * since the user's last finished update run. Both triggers are disabled by the value {@code off};
 * several instances may run it at once, the per-user lock keeps their runs apart. The same pass can be
 * triggered from outside ({@link #runPass()}), e.g. by a Knative PingSource instead of the in-process timer.
 */
@ApplicationScoped
public class ConsolidationScheduler {

    private static final Logger LOG = Logger.getLogger(ConsolidationScheduler.class);

    private final ConsolidationRepository runs;
    private final UpdateQueueBuilder queueBuilder;
    private final Consolidator consolidator;
    private final int maxUsers;
    private final EmbeddingModelGuard modelGuard;

    public ConsolidationScheduler(ConsolidationRepository runs, UpdateQueueBuilder queueBuilder,
            Consolidator consolidator, ConsolidationConfig config, EmbeddingModelGuard modelGuard) {
        this.modelGuard = modelGuard;
        this.runs = runs;
        this.queueBuilder = queueBuilder;
        this.consolidator = consolidator;
        this.maxUsers = config.consolidation().schedule().maxUsersPerRun();
    }

    /**
     * What one pass did.
     *
     * @param consolidated users whose work finished (an LLM failure that stopped a run early still counts;
     *        the next pass picks the user up again)
     * @param busy users skipped because another instance or call was consolidating them
     * @param failed users whose work failed (logged)
     * @param moreDue whether the pass stopped at max-users-per-run, so more users may be waiting
     */
    public record Pass(int consolidated, int busy, int failed, boolean moreDue) {
    }

    @Scheduled(identity = "lightmem-consolidation-every", every = "${lightmem.consolidation.schedule.every:off}",
            concurrentExecution = ConcurrentExecution.SKIP)
    @Scheduled(identity = "lightmem-consolidation-cron", cron = "${lightmem.consolidation.schedule.cron:off}",
            concurrentExecution = ConcurrentExecution.SKIP)
    void tick() {
        if (modelGuard.reEmbeddingPending()) {
            return; // the queues would be built from two models' vectors; the calls wait as well
        }
        runPass(null);
    }

    /**
     * One pass over the users due, longest waiting first, at most max-users-per-run of them: the work of
     * a scheduled tick, also triggered from outside (the RunConsolidation function, e.g. by a Knative
     * PingSource).
     *
     * @param tenantId only this tenant's users; null for every tenant's (the in-process schedule)
     */
    public Pass runPass(String tenantId) {
        List<Owner> due = usersDue(tenantId, maxUsers);
        int done = 0;
        int busy = 0;
        int failed = 0;
        for (Owner owner : due) {
            try {
                consolidate(owner);
                done++;
            } catch (BusyException e) {
                busy++;
                LOG.debugf("user %s is being consolidated elsewhere; skipped this pass", owner);
            } catch (RuntimeException e) {
                failed++;
                LOG.errorf(e, "scheduled consolidation of user %s failed", owner);
            }
        }
        if (done > 0) {
            LOG.infof("scheduled consolidation: %d users", done);
        }
        return new Pass(done, busy, failed, due.size() == maxUsers);
    }

    /** Users (of a tenant, or of all for null) whose entries changed since their last consolidation, longest waiting first. */
    List<Owner> usersDue(String tenantId, int limit) {
        // Without an LLM only the queues are built, so "consolidated" means the last construct run.
        return runs.usersToConsolidate(consolidator.canDecide() ? "update" : "construct", tenantId, limit);
    }

    /** One user's scheduled work: rebuild the queues, then decide (when an LLM is configured). */
    void consolidate(Owner owner) {
        queueBuilder.construct(owner, 0, 0);
        if (consolidator.canDecide()) {
            Consolidator.UpdateRun run = consolidator.offlineUpdate(owner, null);
            if (run.abortedReason() != null) {
                LOG.warnf("scheduled consolidation of user %s stopped early: %s", owner, run.abortedReason());
            }
        }
    }
}
