package io.lightmem.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One administrative or erasure action.
 *
 * @param actor the credential that acted: key:&lt;key id&gt;, bootstrap, oidc:&lt;subject&gt;, ...
 * @param target what the action was about (a key id, a user id); null for the whole tenant
 * @param details counts and names, e.g. {"memories": 3, "messages": 10}
 */
public record AuditEntry(long id, Instant at, String tenantId, String actor, String action, String target,
        Map<String, Object> details) {
}
