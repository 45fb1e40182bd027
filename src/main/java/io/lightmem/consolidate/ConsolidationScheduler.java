package io.lightmem.consolidate;

import io.lightmem.BusyException;
import io.lightmem.config.LightMemConfig;
import io.lightmem.store.ConsolidationRepository;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Periodic consolidation (off by default): construct + update for each user whose entries changed
 * since the user's last finished update run. Both triggers are disabled by the value {@code off};
 * several instances may run it at once, the per-user lock keeps their runs apart.
 */
@ApplicationScoped
public class ConsolidationScheduler {

    private static final Logger LOG = Logger.getLogger(ConsolidationScheduler.class);

    private final ConsolidationRepository runs;
    private final UpdateQueueBuilder queueBuilder;
    private final Consolidator consolidator;
    private final int maxUsers;

    public ConsolidationScheduler(ConsolidationRepository runs, UpdateQueueBuilder queueBuilder,
            Consolidator consolidator, LightMemConfig config) {
        this.runs = runs;
        this.queueBuilder = queueBuilder;
        this.consolidator = consolidator;
        this.maxUsers = config.consolidation().schedule().maxUsersPerRun();
    }

    @Scheduled(identity = "lightmem-consolidation-every", every = "${lightmem.consolidation.schedule.every:off}",
            concurrentExecution = ConcurrentExecution.SKIP)
    @Scheduled(identity = "lightmem-consolidation-cron", cron = "${lightmem.consolidation.schedule.cron:off}",
            concurrentExecution = ConcurrentExecution.SKIP)
    void tick() {
        int done = 0;
        for (String userId : usersDue(maxUsers)) {
            try {
                consolidate(userId);
                done++;
            } catch (BusyException e) {
                LOG.debugf("user %s is being consolidated elsewhere; skipped this tick", userId);
            } catch (RuntimeException e) {
                LOG.errorf(e, "scheduled consolidation of user %s failed", userId);
            }
        }
        if (done > 0) {
            LOG.infof("scheduled consolidation: %d users", done);
        }
    }

    /** Users whose entries changed since their last consolidation, longest waiting first. */
    List<String> usersDue(int limit) {
        // Without an LLM only the queues are built, so "consolidated" means the last construct run.
        return runs.usersToConsolidate(consolidator.canDecide() ? "update" : "construct", limit);
    }

    /** One user's scheduled work: rebuild the queues, then decide (when an LLM is configured). */
    void consolidate(String userId) {
        queueBuilder.construct(userId, 0, 0);
        if (consolidator.canDecide()) {
            Consolidator.UpdateRun run = consolidator.offlineUpdate(userId, null);
            if (run.abortedReason() != null) {
                LOG.warnf("scheduled consolidation of user %s stopped early: %s", userId, run.abortedReason());
            }
        }
    }
}
