package io.lightmem.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.Optional;

/**
 * {@code lightmem.auth.*}: who may call the service (README, "Authentication"). Every interface but
 * health and metrics needs a credential: an API key issued by the service, the bootstrap key, or a
 * bearer token of the configured OIDC issuer.
 */
@ConfigMapping(prefix = "lightmem.auth")
public interface AuthConfig {

    /**
     * {@code false} lets every request act as an administrator of tenant {@code default}, with no
     * credential: for development only, and warned about at every start.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * An administrator key of tenant {@code default} that may act in every tenant, read from the
     * configuration (env LIGHTMEM_AUTH_BOOTSTRAP_KEY) rather than the database: the first key of a new
     * deployment, and of a model service, which has no database. At least 32 characters.
     */
    Optional<String> bootstrapKey();

    Oidc oidc();

    Knative knative();

    RateLimit rateLimit();

    Mcp mcp();

    /**
     * Bearer tokens of an OIDC issuer (Keycloak, Auth0, a cloud IdP), verified by Quarkus OIDC: issuer,
     * audience and keys are {@code quarkus.oidc.*} settings (auth-server-url, token.audience, ...).
     * The claims below say what a verified token may do here.
     */
    interface Oidc {
        @WithDefault("false")
        boolean enabled();

        /** Claim naming the token's tenant. */
        @WithDefault("lightmem_tenant")
        String tenantClaim();

        /** The tenant of tokens without the tenant claim; unset: such tokens are refused. */
        Optional<String> defaultTenant();

        /** Claim holding the scopes: a space-separated string (OAuth 2.0 "scope") or an array ("scp", "roles"). */
        @WithDefault("scope")
        String scopesClaim();

        /** Claim naming the one user id a token may act for (e.g. {@code sub}); unset: not limited to one user. */
        Optional<String> userIdClaim();

        /** Claim holding a prefix every user id the token acts for must start with; absent claim: no limit. */
        @WithDefault("lightmem_user_id_prefix")
        String userIdPrefixClaim();

        /**
         * The authorization server named in the MCP protected-resource metadata; default: the issuer
         * of {@code quarkus.oidc.auth-server-url}.
         */
        Optional<String> authorizationServer();
    }

    /**
     * Knative Eventing's OIDC sender identity: the Broker delivers each event with a token of the
     * Trigger's service account, issued by the cluster, verified by the Quarkus OIDC tenant
     * {@code knative} ({@code quarkus.oidc.knative.*}). Such tokens name no tenant or scopes, so they
     * get these.
     */
    interface Knative {
        @WithDefault("false")
        boolean enabled();

        @WithDefault("default")
        String tenant();

        @WithDefault("memories:read,memories:write,memories:erase,consolidate")
        List<String> scopes();

        /** Subjects (system:serviceaccount:NAMESPACE:NAME) accepted; unset: every subject the issuer vouches for. */
        Optional<List<String>> subjects();
    }

    /** Requests per credential and second on each instance (a token bucket); 0 turns the limit off. */
    interface RateLimit {
        @WithDefault("50")
        @Min(0)
        double requestsPerSecond();

        /** Requests a credential may send at once after being idle. */
        @WithDefault("100")
        @Min(1)
        int burst();
    }

    interface Mcp {
        /**
         * Origins (scheme://host[:port]) whose pages may call /mcp. A request with another Origin header
         * is refused (403) before anything runs; requests without one (agents, CLIs) pass to authentication.
         */
        Optional<List<String>> allowedOrigins();

        /** Open MCP sessions (streamable HTTP and SSE) one credential may hold on an instance. */
        @WithDefault("16")
        @Min(1)
        @Max(100_000)
        int maxSessionsPerCredential();
    }
}
