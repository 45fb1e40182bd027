package io.lightmem.store;

import io.lightmem.ErrorKind;
import io.lightmem.StorageException;
import io.lightmem.UnavailableException;
import io.lightmem.config.RoleConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * Migrates the schema (Flyway, src/main/resources/db/migration) once the database can be reached,
 * instead of Quarkus's migrate-at-start, which stops the start when the database is away. The
 * first attempt runs during start-up, so a reachable database is migrated before the first call;
 * when it fails the instance starts anyway, unready, and tries again in the background with
 * backoff (1 s doubling to 5 s) until the migration succeeds (docs/fault-tolerance.md, "Start-up
 * without the database"). Instances migrating at once queue on Flyway's lock in the database.
 */
@ApplicationScoped
public class SchemaMigration {

    private static final Logger LOG = Logger.getLogger(SchemaMigration.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    // An Instance: in role models Flyway is inactive and must not be created.
    private final Instance<Flyway> flyway;
    private final boolean servesMemory;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "lightmem-schema-migration");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean migrated;
    private volatile String problem = "not attempted yet";

    public SchemaMigration(Instance<Flyway> flyway, RoleConfig config) {
        this.flyway = flyway;
        this.servesMemory = config.role().servesMemory();
    }

    void migrateAtStart(@Observes StartupEvent event) {
        if (servesMemory && !attempt()) {
            retries.schedule(() -> retry(FIRST_RETRY), FIRST_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Whether every migration is applied (the memory calls need the schema). */
    public boolean migrated() {
        return migrated;
    }

    /**
     * A database error of a call that ran before the schema was migrated is no bug but the schema
     * missing (a fresh database that just became reachable): UNAVAILABLE, retry. Others pass unchanged.
     */
    public Throwable explain(Throwable failure) {
        if (!migrated && failure instanceof StorageException storage && storage.kind() == ErrorKind.INTERNAL) {
            return new UnavailableException("storage is unavailable: the database schema is not migrated yet ("
                    + problem + "); retry later", failure);
        }
        return failure;
    }

    /** Why the schema is not migrated yet, or null once it is. */
    public String problem() {
        return problem;
    }

    private void retry(Duration waited) {
        if (!attempt()) {
            Duration next = waited.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : waited.multipliedBy(2);
            retries.schedule(() -> retry(next), next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private boolean attempt() {
        try {
            int applied = flyway.get().migrate().migrationsExecuted;
            migrated = true;
            problem = null;
            LOG.infof("database schema migrated (%d migrations applied now)", applied);
            return true;
        } catch (RuntimeException e) {
            problem = e.getMessage();
            LOG.warnf("database schema not migrated yet, retrying in the background; this instance stays unready: %s",
                    e.getMessage());
            return false;
        }
    }

    @PreDestroy
    void stop() {
        retries.shutdownNow();
    }
}
