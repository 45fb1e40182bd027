package io.lightmem.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lightmem.PermissionDeniedException;
import io.lightmem.UnauthenticatedException;
import io.lightmem.memory.Owner;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.Tenant;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Bearer tokens verified by Quarkus OIDC (signature against the issuer's JWKS, issuer, audience,
 * expiry), then read as a caller through the claims lightmem.auth.oidc.* names. Two issuers at most:
 * the organisation's (Quarkus OIDC's default tenant) and, for event delivery, the Kubernetes cluster
 * that issues Knative Eventing's sender tokens (the Quarkus OIDC tenant {@code knative}).
 */
@ApplicationScoped
public class OidcTokens {

    private static final Logger LOG = Logger.getLogger(OidcTokens.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fetching the issuer's keys the first time can take a moment; no request waits longer than this. */
    private static final Duration VERIFICATION_TIMEOUT = Duration.ofSeconds(10);

    private final AuthConfig config;
    private final TenantIdentityProvider organisation;
    private final TenantIdentityProvider cluster;
    private final Optional<String> clusterIssuer;

    public OidcTokens(AuthConfig config, TenantIdentityProvider organisation,
            @Tenant("knative") TenantIdentityProvider cluster, Config quarkus) {
        this.config = config;
        this.organisation = organisation;
        this.cluster = cluster;
        this.clusterIssuer = quarkus.getOptionalValue("quarkus.oidc.knative.token.issuer", String.class)
                .or(() -> quarkus.getOptionalValue("quarkus.oidc.knative.auth-server-url", String.class));
    }

    /** Whether any issuer is configured, so that a token of JWT form is worth verifying. */
    boolean enabled() {
        return config.oidc().enabled() || config.knative().enabled();
    }

    /**
     * The caller a token stands for. Blocks (the issuer's keys may have to be fetched): not on an event loop.
     *
     * @throws UnauthenticatedException when no configured issuer vouches for the token
     * @throws PermissionDeniedException when the token is valid but names no tenant this service accepts
     */
    Caller verify(String token) {
        boolean fromCluster = config.knative().enabled() && clusterIssuer.isPresent()
                && clusterIssuer.get().equals(unverifiedIssuer(token));
        if (!fromCluster && !config.oidc().enabled()) {
            throw new UnauthenticatedException("bearer token not accepted: this service takes no OIDC tokens"
                    + " (lightmem.auth.oidc.enabled=false); use an API key");
        }
        SecurityIdentity identity;
        try {
            identity = (fromCluster ? cluster : organisation).authenticate(new AccessTokenCredential(token))
                    .await().atMost(VERIFICATION_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.debugf(e, "bearer token refused");
            throw new UnauthenticatedException("bearer token not accepted: its signature, issuer, audience or"
                    + " expiry does not match what this service trusts");
        }
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            throw new UnauthenticatedException("bearer token not accepted: not a JWT");
        }
        return fromCluster ? clusterCaller(jwt) : organisationCaller(jwt);
    }

    private Caller organisationCaller(JsonWebToken jwt) {
        AuthConfig.Oidc claims = config.oidc();
        String subject = jwt.getSubject() == null ? "unknown" : jwt.getSubject();
        String tenant = text(jwt.getClaim(claims.tenantClaim())).or(claims::defaultTenant)
                .orElseThrow(() -> new PermissionDeniedException("the token names no tenant (claim '"
                        + claims.tenantClaim() + "') and lightmem.auth.oidc.default-tenant is not set"));
        if (!Owner.isTenantId(tenant)) {
            throw new PermissionDeniedException("the token's tenant '" + tenant + "' is not a tenant id");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String scope : texts(jwt.getClaim(claims.scopesClaim()))) {
            Permission.ofScope(scope).ifPresent(permissions::add);
        }
        String userId = null;
        if (claims.userIdClaim().isPresent()) {
            userId = text(jwt.getClaim(claims.userIdClaim().get())).orElseThrow(() -> new PermissionDeniedException(
                    "the token names no user id (claim '" + claims.userIdClaim().get() + "')"));
        }
        String prefix = text(jwt.getClaim(claims.userIdPrefixClaim())).filter(p -> !p.isEmpty()).orElse(null);
        return new Caller("oidc:" + subject, tenant, permissions, prefix, userId, false);
    }

    private Caller clusterCaller(JsonWebToken jwt) {
        AuthConfig.Knative knative = config.knative();
        String subject = jwt.getSubject() == null ? "unknown" : jwt.getSubject();
        if (knative.subjects().isPresent() && !knative.subjects().get().contains(subject)) {
            throw new PermissionDeniedException("event sender " + subject + " is not among lightmem.auth.knative.subjects");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String scope : knative.scopes()) {
            permissions.add(Permission.ofScope(scope).orElseThrow(() -> new IllegalStateException(
                    "lightmem.auth.knative.scopes: unknown scope '" + scope + "'")));
        }
        return new Caller("knative:" + subject, knative.tenant(), permissions, null, null, false);
    }

    /** The iss claim of a token, unverified: only to choose which issuer verifies it. */
    private static String unverifiedIssuer(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return payload.path("iss").isTextual() ? payload.get("iss").asText() : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Optional<String> text(Object claim) {
        if (claim instanceof JsonString json) {
            return Optional.of(json.getString());
        }
        if (claim instanceof String string) {
            return Optional.of(string);
        }
        return Optional.empty();
    }

    /** A space-separated string (OAuth 2.0 scope) or an array of strings. */
    private static List<String> texts(Object claim) {
        List<String> values = new ArrayList<>();
        Optional<String> single = text(claim);
        if (single.isPresent()) {
            for (String value : single.get().trim().split("\\s+")) {
                if (!value.isEmpty()) {
                    values.add(value);
                }
            }
        } else if (claim instanceof JsonArray array) {
            for (JsonValue value : array) {
                text(value).ifPresent(values::add);
            }
        } else if (claim instanceof Collection<?> collection) {
            for (Object value : collection) {
                text(value).ifPresent(values::add);
            }
        }
        return values;
    }
}
