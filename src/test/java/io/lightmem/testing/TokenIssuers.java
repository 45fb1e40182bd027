package io.lightmem.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts three real token issuers and points the service at two of them: the organisation's (Quarkus
 * OIDC's default tenant, audience {@value #AUDIENCE}) and a cluster's that stands in for the
 * Kubernetes issuer of Knative Eventing's sender tokens (tenant knative, audience
 * {@value #EVENTS_AUDIENCE}). The third, a stranger, is trusted by nobody.
 */
public class TokenIssuers implements QuarkusTestResourceLifecycleManager {

    public static final String AUDIENCE = "lightmem-test";
    public static final String EVENTS_AUDIENCE = "lightmem-http";

    /** Marks the test field that receives the running issuers. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectIssuers {
    }

    /** The three issuers. */
    public record Issuers(TokenIssuer organisation, TokenIssuer cluster, TokenIssuer stranger) {

        /**
         * Tokens every interface must refuse, each named by what is wrong with it; each carries
         * claims (tenant, every scope) that would be accepted in a valid token.
         */
        public Map<String, String> refusedTokens() {
            Map<String, Object> claims = Map.of("lightmem_tenant", "default", "scope",
                    String.join(" ", Credentials.ALL_SCOPES));
            Instant later = Instant.now().plusSeconds(600);
            Map<String, String> tokens = new LinkedHashMap<>();
            tokens.put("another issuer", stranger.token("mallory", AUDIENCE, claims));
            tokens.put("another issuer's key, the trusted issuer's name",
                    stranger.sign(organisation.url(), "mallory", AUDIENCE, later, claims));
            tokens.put("the trusted key, another issuer's name",
                    organisation.sign(stranger.url(), "mallory", AUDIENCE, later, claims));
            tokens.put("another audience", organisation.token("mallory", "some-other-service", claims));
            tokens.put("expired", organisation.sign(organisation.url(), "mallory", AUDIENCE,
                    Instant.now().minusSeconds(600), claims));
            tokens.put("a cluster token for another audience",
                    cluster.token("system:serviceaccount:lightmem:broker", "some-other-service", Map.of()));
            return tokens;
        }
    }

    private Issuers issuers;

    @Override
    public Map<String, String> start() {
        try {
            issuers = new Issuers(new TokenIssuer(), new TokenIssuer(), new TokenIssuer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "lightmem.auth.oidc.enabled", "true",
                "quarkus.oidc.auth-server-url", issuers.organisation().url(),
                "quarkus.oidc.token.audience", AUDIENCE,
                "lightmem.auth.knative.enabled", "true",
                "quarkus.oidc.knative.auth-server-url", issuers.cluster().url(),
                "quarkus.oidc.knative.token.issuer", issuers.cluster().url(),
                "quarkus.oidc.knative.token.audience", EVENTS_AUDIENCE);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(issuers, new TestInjector.AnnotatedAndMatchesType(InjectIssuers.class, Issuers.class));
    }

    @Override
    public void stop() {
        if (issuers != null) {
            issuers.organisation().close();
            issuers.cluster().close();
            issuers.stranger().close();
        }
    }
}
