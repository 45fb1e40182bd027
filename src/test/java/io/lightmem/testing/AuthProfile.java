package io.lightmem.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The service as production runs it: authentication on, with the bootstrap key {@link #BOOTSTRAP_KEY},
 * OIDC tokens of the test issuers ({@link TokenIssuers}), every internal service enabled so that its
 * protection can be checked (ModelService, reflection), and small MCP session caps.
 */
public class AuthProfile implements QuarkusTestProfile {

    public static final String BOOTSTRAP_KEY = "bootstrap-key-for-the-authentication-tests-0123456789";
    public static final String ALLOWED_ORIGIN = "https://app.example";
    public static final int MCP_SESSIONS = 3;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "lightmem.auth.enabled", "true",
                "lightmem.auth.bootstrap-key", BOOTSTRAP_KEY,
                "lightmem.models.serve", "true",
                "quarkus.grpc.server.enable-reflection-service", "true",
                "lightmem.auth.mcp.allowed-origins", ALLOWED_ORIGIN,
                "lightmem.auth.mcp.max-sessions-per-credential", Integer.toString(MCP_SESSIONS),
                // Far above what these tests send; RateLimitTest checks the limit with its own.
                "lightmem.auth.rate-limit.requests-per-second", "1000",
                "lightmem.auth.rate-limit.burst", "1000",
                "lightmem.auth.oidc.user-id-prefix-claim", "lightmem_user_id_prefix");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(TokenIssuers.class));
    }
}
