package io.lightmem.audit;

import io.lightmem.auth.Callers;
import io.lightmem.erase.Erasure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/** Writes every erasure of memories or users a caller asked for to the audit log, with who asked. */
@ApplicationScoped
public class ErasureAudit {

    private final AuditLog audit;
    private final Callers callers;

    public ErasureAudit(AuditLog audit, Callers callers) {
        this.audit = audit;
        this.callers = callers;
    }

    void erased(@Observes Erasure erasure) {
        audit.record(erasure.owner().tenantId(), callers.current().credentialId(),
                erasure.wholeUser() ? "erase_user" : "delete_memories", erasure.owner().userId(),
                Map.of("memories", erasure.memories(), "messages", erasure.messages()));
    }
}
