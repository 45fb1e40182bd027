package io.lightmem.auth;

import io.lightmem.InvalidArgumentException;
import io.lightmem.NotFoundException;
import io.lightmem.PermissionDeniedException;
import io.lightmem.UnauthenticatedException;
import io.lightmem.audit.AuditLog;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * API keys: issued to a tenant with scopes and an optional user id prefix, checked on every request
 * (a revoked key is refused on the next one, on every instance: nothing is cached), revoked by the
 * tenant's administrators. Every change is audited.
 */
@ApplicationScoped
public class ApiKeys {

    /** The characters of user ids (UserIds); a prefix is a beginning of one. */
    private static final Pattern USER_ID_PREFIX = Pattern.compile("[A-Za-z0-9._:@-]{1,127}");
    private static final int MAX_NAME = 200;

    /** A new key: the secret, shown this once, and what is stored about it. */
    public record Created(String key, ApiKey apiKey) {
    }

    private final ApiKeyRepository repository;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();

    public ApiKeys(ApiKeyRepository repository, AuditLog audit) {
        this.repository = repository;
        this.audit = audit;
    }

    /**
     * Issues a key in the tenant the creator administers. A key never gets more than its creator has:
     * only scopes the creator holds, and within the creator's user id prefix.
     *
     * @param tenantId empty for the creator's own tenant; another one only for the bootstrap key
     */
    public Created create(Caller creator, String tenantId, String name, List<String> scopes, String userIdPrefix) {
        creator.require(Permission.ADMIN);
        String tenant = creator.tenantToAdminister(tenantId);
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw new InvalidArgumentException("name", "required: 1 to " + MAX_NAME + " characters saying whose key"
                    + " this is (e.g. 'chat-backend prod')");
        }
        Set<Permission> permissions = permissions(scopes);
        for (Permission permission : permissions) {
            if (!creator.may(permission)) {
                throw new PermissionDeniedException("this credential (" + creator.credentialId() + ") cannot grant"
                        + " the scope '" + permission.scope() + "', which it does not hold itself");
            }
        }
        String prefix = userIdPrefix == null || userIdPrefix.isEmpty() ? null : userIdPrefix;
        if (prefix != null && !USER_ID_PREFIX.matcher(prefix).matches()) {
            throw new InvalidArgumentException("user_id_prefix", "must be 1 to 127 characters of [A-Za-z0-9._:@-]");
        }
        if (creator.userId() != null) {
            throw new PermissionDeniedException("this credential (" + creator.credentialId() + ") acts for one user"
                    + " only and cannot issue keys");
        }
        if (creator.userIdPrefix() != null && (prefix == null || !prefix.startsWith(creator.userIdPrefix()))) {
            throw new PermissionDeniedException("this credential (" + creator.credentialId() + ") may only issue"
                    + " keys whose user_id_prefix starts with '" + creator.userIdPrefix() + "'");
        }
        ApiKeySecrets.Generated generated = ApiKeySecrets.generate(random);
        List<String> scopeNames = permissions.stream().map(Permission::scope).toList();
        ApiKey key = new ApiKey(generated.keyId(), tenant, name.strip(), scopeNames, prefix, clock.instant(),
                creator.credentialId(), null, null);
        repository.insert(key, ApiKeySecrets.hash(generated.key()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", key.name());
        details.put("scopes", scopeNames);
        if (prefix != null) {
            details.put("user_id_prefix", prefix);
        }
        audit.record(tenant, creator.credentialId(), "create_api_key", key.keyId(), details);
        return new Created(generated.key(), key);
    }

    public List<ApiKey> list(Caller admin, String tenantId, boolean includeRevoked) {
        admin.require(Permission.ADMIN);
        return repository.list(admin.tenantToAdminister(tenantId), includeRevoked);
    }

    /** Revokes a key of a tenant the caller administers; revoking a revoked key changes nothing. */
    public ApiKey revoke(Caller admin, String keyId) {
        admin.require(Permission.ADMIN);
        if (keyId == null || keyId.isEmpty()) {
            throw new InvalidArgumentException("key_id", "required: the id of the key (as ListApiKeys shows it)");
        }
        ApiKey key = repository.find(keyId).map(ApiKeyRepository.Stored::key)
                .filter(found -> found.tenantId().equals(admin.tenantId()) || admin.allTenants())
                .orElseThrow(() -> new NotFoundException("no API key " + keyId + " in tenant " + admin.tenantId()));
        if (key.revokedAt() != null) {
            return key;
        }
        ApiKey revoked = repository.revoke(keyId, admin.credentialId(), clock.instant()).orElseThrow();
        audit.record(key.tenantId(), admin.credentialId(), "revoke_api_key", keyId, Map.of("name", key.name()));
        return revoked;
    }

    /**
     * The caller a key stands for.
     *
     * @throws UnauthenticatedException for anything but a valid, unrevoked key
     */
    Caller authenticate(String key) {
        String keyId = ApiKeySecrets.keyIdOf(key);
        if (keyId == null) {
            throw new UnauthenticatedException("not an API key this service issued (they read lmk_<id>_<secret>)");
        }
        Optional<ApiKeyRepository.Stored> stored = repository.find(keyId);
        if (stored.isEmpty() || !ApiKeySecrets.sameHash(stored.get().hash(), ApiKeySecrets.hash(key))) {
            throw new UnauthenticatedException("unknown API key");
        }
        ApiKey found = stored.get().key();
        if (found.revokedAt() != null) {
            throw new UnauthenticatedException("API key " + keyId + " was revoked at " + found.revokedAt());
        }
        Instant now = clock.instant();
        repository.touch(found, now);
        return new Caller("key:" + keyId, found.tenantId(), permissions(found.scopes()), found.userIdPrefix(), null,
                false);
    }

    private static Set<Permission> permissions(List<String> scopes) {
        if (scopes == null || scopes.isEmpty()) {
            throw new InvalidArgumentException("scopes", "name at least one of " + allScopes());
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (int i = 0; i < scopes.size(); i++) {
            String scope = scopes.get(i);
            int index = i;
            permissions.add(Permission.ofScope(scope).orElseThrow(() -> new InvalidArgumentException(
                    "scopes[" + index + "]", "unknown scope '" + scope + "'; the scopes are " + allScopes())));
        }
        return permissions;
    }

    private static String allScopes() {
        List<String> names = new ArrayList<>();
        for (Permission permission : Permission.values()) {
            names.add(permission.scope());
        }
        return String.join(", ", names);
    }
}
