package io.lightmem.consolidate;

import io.lightmem.memory.Owner;
import io.lightmem.store.UserLock;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs work while holding the user's consolidation lock, so two runs of one user (on any instance)
 * never decide at the same time; the work commits in its own transactions, so progress survives a crash.
 */
@ApplicationScoped
public class ConsolidationLock {

    private final UserLock userLock;
    private final Duration timeout;

    public ConsolidationLock(UserLock userLock, ConsolidationConfig config) {
        this.userLock = userLock;
        this.timeout = config.consolidation().lockTimeout();
    }

    /** @throws io.lightmem.BusyException when another run keeps the lock past lightmem.consolidation.lock-timeout */
    public <T> T underLock(Owner owner, Supplier<T> work) {
        return userLock.underLock(UserLock.Namespace.CONSOLIDATE, owner, timeout, work);
    }
}
