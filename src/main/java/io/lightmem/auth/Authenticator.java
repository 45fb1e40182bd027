package io.lightmem.auth;

import io.lightmem.UnauthenticatedException;
import io.lightmem.config.RoleConfig;
import io.lightmem.memory.Owner;
import io.lightmem.observe.ServiceMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Locale;

/**
 * Turns the credential of a request (the value of its Authorization header or authorization
 * metadata) into the caller it stands for, and counts the request against the caller's rate. Every
 * transport asks here before anything of the request runs. Blocks (database, issuer keys): call it
 * off the event loop.
 */
@ApplicationScoped
public class Authenticator {

    private static final String BEARER = "bearer ";

    private final boolean enabled;
    private final byte[] bootstrapHash;
    private final ApiKeys apiKeys;
    private final OidcTokens tokens;
    private final RateLimiter rateLimiter;
    private final boolean hasDatabase;
    private final ServiceMetrics metrics;

    public Authenticator(AuthConfig config, ApiKeys apiKeys, OidcTokens tokens, RateLimiter rateLimiter,
            RoleConfig role, ServiceMetrics metrics) {
        this.metrics = metrics;
        this.enabled = config.enabled();
        this.bootstrapHash = config.bootstrapKey().filter(key -> !key.isBlank()).map(ApiKeySecrets::hash).orElse(null);
        this.apiKeys = apiKeys;
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.hasDatabase = role.role().servesMemory();
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * @param authorization the header's value, null when the request has none
     * @throws UnauthenticatedException without a credential the service accepts
     * @throws io.lightmem.PermissionDeniedException for a valid token that names no usable tenant
     * @throws io.lightmem.RateLimitedException when the caller sends faster than its rate
     */
    public Caller admit(String authorization) {
        if (!enabled) {
            return Caller.UNAUTHENTICATED_DEVELOPMENT;
        }
        long start = System.nanoTime();
        String kind = "none";
        boolean accepted = false;
        try {
            String credential = credential(authorization);
            kind = kindOf(credential);
            Caller caller = authenticate(kind, credential);
            accepted = true;
            rateLimiter.admit(caller);
            return caller;
        } finally {
            metrics.authentication(kind, accepted, System.nanoTime() - start);
        }
    }

    private String kindOf(String credential) {
        if (bootstrapHash != null && ApiKeySecrets.sameHash(bootstrapHash, ApiKeySecrets.hash(credential))) {
            return "bootstrap";
        }
        if (ApiKeySecrets.looksLikeApiKey(credential)) {
            return "api_key";
        }
        return credential.chars().filter(c -> c == '.').count() == 2 && tokens.enabled() ? "token" : "unknown";
    }

    private Caller authenticate(String kind, String credential) {
        return switch (kind) {
            case "bootstrap" -> new Caller("bootstrap", Owner.DEFAULT_TENANT, EnumSet.allOf(Permission.class), null,
                    null, true);
            case "api_key" -> {
                if (!hasDatabase) {
                    throw new UnauthenticatedException("API keys are kept in the database, which this instance"
                            + " (lightmem.role=models) has none of: use its bootstrap key (lightmem.auth.bootstrap-key)");
                }
                yield apiKeys.authenticate(credential);
            }
            case "token" -> tokens.verify(credential);
            default -> throw new UnauthenticatedException("unknown credential: neither an API key of this service, its"
                    + " bootstrap key, nor a token of a configured issuer");
        };
    }

    private static String credential(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new UnauthenticatedException("no credential: send the header 'Authorization: Bearer <API key or"
                    + " token>' (gRPC metadata 'authorization')");
        }
        String value = authorization.strip();
        if (!value.toLowerCase(Locale.ROOT).startsWith(BEARER) || value.length() == BEARER.length()) {
            throw new UnauthenticatedException("the Authorization header must read 'Bearer <API key or token>'");
        }
        String credential = value.substring(BEARER.length()).strip();
        if (credential.getBytes(StandardCharsets.UTF_8).length > 16_384) {
            throw new UnauthenticatedException("the credential is longer than 16 KiB");
        }
        return credential;
    }
}
