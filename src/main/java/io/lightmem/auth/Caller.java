package io.lightmem.auth;

import io.lightmem.InvalidArgumentException;
import io.lightmem.PermissionDeniedException;
import io.lightmem.memory.Owner;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who sent a request, as its credential says: the tenant it acts in, what it may do, and which user
 * ids it may act for.
 *
 * @param credentialId names the credential without revealing it: {@code key:<key id>}, {@code bootstrap},
 *        {@code oidc:<subject>}, {@code knative:<subject>}; the unit of rate limits and MCP sessions, and
 *        the "who" of the audit log
 * @param userIdPrefix every user id the caller acts for starts with it; null for no limit
 * @param userId the one user id the caller may act for; null for no such limit
 * @param allTenants may administer every tenant (the bootstrap key), not only its own
 */
public record Caller(String credentialId, String tenantId, Set<Permission> permissions, String userIdPrefix,
        String userId, boolean allTenants) {

    /** Every request while authentication is off (lightmem.auth.enabled=false). */
    static final Caller UNAUTHENTICATED_DEVELOPMENT = new Caller("anonymous", Owner.DEFAULT_TENANT,
            EnumSet.allOf(Permission.class), null, null, true);

    public Caller {
        permissions = Set.copyOf(permissions);
        if (!Owner.isTenantId(tenantId)) {
            throw new IllegalArgumentException("not a tenant id: '" + tenantId + "'");
        }
    }

    public boolean may(Permission permission) {
        return permissions.contains(permission);
    }

    /** @throws PermissionDeniedException when the credential lacks the permission's scope */
    public void require(Permission permission) {
        if (!may(permission)) {
            throw new PermissionDeniedException("this credential (" + credentialId + ") lacks the scope '"
                    + permission.scope() + "' this call needs");
        }
    }

    /** @throws PermissionDeniedException when the user id is outside what the credential may act for */
    void requireUser(String user) {
        if (userId != null && !userId.equals(user)) {
            throw new PermissionDeniedException("this credential (" + credentialId + ") acts only for user_id '"
                    + userId + "'");
        }
        if (userIdPrefix != null && !user.startsWith(userIdPrefix)) {
            throw new PermissionDeniedException("this credential (" + credentialId + ") acts only for user ids"
                    + " starting with '" + userIdPrefix + "'");
        }
    }

    /**
     * The tenant an administrative call acts on: the caller's own, or (for the bootstrap key only)
     * the one the request names.
     */
    public String tenantToAdminister(String requested) {
        if (requested == null || requested.isEmpty() || requested.equals(tenantId)) {
            return tenantId;
        }
        if (!allTenants) {
            throw new PermissionDeniedException("this credential (" + credentialId + ") administers tenant '"
                    + tenantId + "' only");
        }
        if (!Owner.isTenantId(requested)) {
            throw new InvalidArgumentException("tenant_id", "a tenant id is 1 to 64 characters of [A-Za-z0-9._:@-]");
        }
        return requested;
    }
}
