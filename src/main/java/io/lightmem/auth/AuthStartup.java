package io.lightmem.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Says at every start how callers are authenticated, and stops a start whose settings would be unsafe. */
@ApplicationScoped
public class AuthStartup {

    /** A bootstrap key is an administrator of every tenant: not something to guess. */
    static final int MIN_BOOTSTRAP_KEY_LENGTH = 32;
    private static final Logger LOG = Logger.getLogger(AuthStartup.class);

    private final AuthConfig config;

    public AuthStartup(AuthConfig config) {
        this.config = config;
    }

    void started(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.warn("AUTHENTICATION IS OFF (lightmem.auth.enabled=false): every request, from anyone who can reach"
                    + " this service, acts as an administrator of tenant default. For development only.");
            return;
        }
        config.bootstrapKey().filter(key -> !key.isBlank()).ifPresent(key -> {
            if (key.strip().length() < MIN_BOOTSTRAP_KEY_LENGTH) {
                throw new IllegalStateException("lightmem.auth.bootstrap-key (LIGHTMEM_AUTH_BOOTSTRAP_KEY) must be at"
                        + " least " + MIN_BOOTSTRAP_KEY_LENGTH + " characters, e.g. the output of"
                        + " 'openssl rand -base64 32'");
            }
        });
        StringBuilder accepted = new StringBuilder("API keys");
        if (config.bootstrapKey().filter(key -> !key.isBlank()).isPresent()) {
            accepted.append(", the bootstrap key");
        }
        if (config.oidc().enabled()) {
            accepted.append(", OIDC tokens (quarkus.oidc.*)");
        }
        if (config.knative().enabled()) {
            accepted.append(", Knative Eventing sender tokens (quarkus.oidc.knative.*)");
        }
        LOG.infof("authentication on: %s accepted; rate limit %s requests/s per credential (bursts of %d)", accepted,
                config.rateLimit().requestsPerSecond() <= 0 ? "off" : config.rateLimit().requestsPerSecond(),
                config.rateLimit().burst());
    }
}
