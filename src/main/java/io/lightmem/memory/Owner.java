package io.lightmem.memory;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Whose memories: a user of a tenant. Tenants are namespaces (docs/design.md, "Tenants"): every row
 * and every query is scoped by both, so the same user id in two tenants never meets.
 */
public record Owner(String tenantId, String userId) {

    /** The tenant of rows written before tenants existed, and of a service run without credentials. */
    public static final String DEFAULT_TENANT = "default";

    /** Tenant ids come from the service's own configuration and credentials, never from a request body. */
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");

    public Owner {
        Objects.requireNonNull(userId, "userId");
        if (!isTenantId(tenantId)) {
            throw new IllegalArgumentException("a tenant id is 1 to 64 characters of [A-Za-z0-9._:@-], got '"
                    + tenantId + "'");
        }
    }

    /** Whether the text has the form of a tenant id. */
    public static boolean isTenantId(String tenantId) {
        return tenantId != null && TENANT.matcher(tenantId).matches();
    }

    @Override
    public String toString() {
        return tenantId + "/" + userId;
    }
}
