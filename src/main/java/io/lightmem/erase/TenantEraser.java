package io.lightmem.erase;

import io.lightmem.InvalidArgumentException;
import io.lightmem.audit.AuditLog;
import io.lightmem.auth.Caller;
import io.lightmem.auth.Permission;
import io.lightmem.memory.Owner;
import io.lightmem.store.ErasureRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Erases everything a tenant holds about its users, one user at a time under that user's locks, as
 * erasing each user would; users that appear while it runs (an add racing the erasure) are erased in
 * a later round. API keys and the audit log are not user data and stay.
 */
@ApplicationScoped
public class TenantEraser {

    /** Users looked up per round. */
    static final int BATCH = 500;
    /** Rounds at most: a tenant whose callers keep adding users this fast is not erased by one call. */
    static final int MAX_ROUNDS = 1000;

    /** What erasing the tenant removed. */
    public record Erased(int users, int memories, int messages) {
    }

    private final ErasureRepository erasure;
    private final MemoryEraser eraser;
    private final AuditLog audit;

    public TenantEraser(ErasureRepository erasure, MemoryEraser eraser, AuditLog audit) {
        this.erasure = erasure;
        this.eraser = eraser;
        this.audit = audit;
    }

    /**
     * Erases a tenant the caller administers (its own; any, for the bootstrap key), and audits it.
     *
     * @param tenantId must be given, even for the caller's own tenant: nobody erases a tenant by leaving a field out
     */
    public Erased erase(Caller admin, String tenantId) {
        admin.require(Permission.ADMIN);
        if (tenantId == null || tenantId.isEmpty()) {
            throw new InvalidArgumentException("tenant_id", "required: name the tenant to erase, even your own ('"
                    + admin.tenantId() + "')");
        }
        String tenant = admin.tenantToAdminister(tenantId);
        Erased erased = erase(tenant);
        audit.record(tenant, admin.credentialId(), "erase_tenant", null,
                Map.of("users", erased.users(), "memories", erased.memories(), "messages", erased.messages()));
        return erased;
    }

    private Erased erase(String tenantId) {
        int users = 0;
        int memories = 0;
        int messages = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<String> batch = erasure.usersOf(tenantId, BATCH);
            if (batch.isEmpty()) {
                break;
            }
            for (String userId : batch) {
                MemoryEraser.Erased erased = eraser.eraseUser(new Owner(tenantId, userId));
                users++;
                memories += erased.memories();
                messages += erased.messages();
            }
        }
        return new Erased(users, memories, messages);
    }
}
