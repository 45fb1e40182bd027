package io.lightmem.store;

import io.lightmem.StorageException;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Runs a {@link RetriedOnConflict} transaction again after a deadlock or serialization failure, up
 * to {@link #ATTEMPTS} times with a short random pause; after that the failure reaches the caller as
 * BUSY (ABORTED / 429: retry later). Ordered before the transaction interceptor, so each attempt is a
 * transaction of its own; inside a caller's transaction it does nothing, as only the whole transaction
 * can be run again.
 */
@RetriedOnConflict
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class ConflictRetry {

    private static final Logger LOG = Logger.getLogger(ConflictRetry.class);
    static final int ATTEMPTS = 3;

    private final TransactionManager transactions;

    public ConflictRetry(TransactionManager transactions) {
        this.transactions = transactions;
    }

    @AroundInvoke
    Object retry(InvocationContext invocation) throws Exception {
        if (inTransaction()) {
            return invocation.proceed();
        }
        for (int attempt = 1;; attempt++) {
            try {
                return invocation.proceed();
            } catch (StorageException e) {
                if (!e.conflict() || attempt == ATTEMPTS) {
                    throw e;
                }
                LOG.debugf("%s met a concurrent transaction (%s); attempt %d of %d", invocation.getMethod().getName(),
                        e.getMessage(), attempt + 1, ATTEMPTS);
                Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50) * attempt);
            }
        }
    }

    private boolean inTransaction() throws SystemException {
        return transactions.getStatus() != Status.STATUS_NO_TRANSACTION;
    }
}
