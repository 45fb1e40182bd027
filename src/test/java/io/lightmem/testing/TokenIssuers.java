package io.lightmem.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
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
