package io.lightmem.auth;

import java.time.Instant;
import java.util.List;

/**
 * An API key as the service shows it: never its secret, which is only returned once, when created.
 *
 * @param userIdPrefix null when the key may act for any user of its tenant
 * @param lastUsedAt at most a minute behind; null when never used
 * @param revokedAt null while the key is valid
 */
public record ApiKey(String keyId, String tenantId, String name, List<String> scopes, String userIdPrefix,
        Instant createdAt, String createdBy, Instant lastUsedAt, Instant revokedAt) {
}
