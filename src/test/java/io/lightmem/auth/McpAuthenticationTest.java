package io.lightmem.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lightmem.auth.HttpCalls.Answer;
import io.lightmem.testing.AuthProfile;
import io.lightmem.testing.Credentials;
import io.lightmem.testing.McpHttpClient;
import io.lightmem.testing.McpHttpClient.Refused;
import io.lightmem.testing.TokenIssuers;
import io.lightmem.testing.TokenIssuers.InjectIssuers;
import io.lightmem.testing.TokenIssuers.Issuers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The trust boundary of the MCP endpoint, as the MCP authorization spec has a resource server keep it:
 * Bearer credentials on every request (streamable HTTP and SSE), a 401 that points at the protected
 * resource metadata, no cross-site requests from pages, and a cap on each credential's sessions.
 * Checked for every tool.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
class McpAuthenticationTest {

    /** Each tool with arguments it can serve for a user id, and the permission it needs. */
    record Tool(String name, Permission needs, boolean userScoped, java.util.function.Function<String, Map<String, ?>> arguments) {
    }

    static final List<Tool> TOOLS = List.of(
            new Tool("add_memory", Permission.MEMORIES_WRITE, true, u -> Map.of("user_id", u,
                    "user_input", "I keep bees on my roof.", "assistant_reply", "Lovely!", "force_extract", true)),
            new Tool("retrieve_memory", Permission.MEMORIES_READ, true, u -> Map.of("user_id", u, "query", "bees")),
            new Tool("offline_update", Permission.CONSOLIDATE, true, u -> Map.of("user_id", u)),
            new Tool("get_timestamp", null, false, u -> Map.of()),
            new Tool("show_lightmem_instance", null, false, u -> Map.of()));

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @InjectIssuers
    Issuers issuers;

    @Test
    void theCatalogCoversEveryTool() {
        McpHttpClient mcp = connect(AuthProfile.BOOTSTRAP_KEY);
        List<String> tools = new ArrayList<>();
        mcp.request("tools/list", JsonNodeFactory.instance.objectNode()).path("result").path("tools")
                .forEach(tool -> tools.add(tool.path("name").asText()));
        mcp.close();

        assertThat(TOOLS).extracting(Tool::name).containsExactlyInAnyOrderElementsOf(tools);
    }

    @Test
    void withoutACredentialNoSessionOpensAndNoToolRuns() {
        Refused refused = catchThrowableOfType(Refused.class, () -> McpHttpClient.connect(endpoint()));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("WWW-Authenticate")).startsWith("Bearer realm=\"lightmem\"")
                .contains("resource_metadata=\"http://127.0.0.1:" + port + "/.well-known/oauth-protected-resource/mcp\"");

        JsonNode metadata = HttpCalls.get(port, "/.well-known/oauth-protected-resource/mcp", null).json();
        assertThat(metadata.path("resource").asText()).isEqualTo("http://127.0.0.1:" + port + "/mcp");
        assertThat(metadata.path("authorization_servers").get(0).asText()).isEqualTo(issuers.organisation().url());

        // A session opened with a credential does not carry it: every request must.
        String userId = "victim-" + UUID.randomUUID();
        McpHttpClient session = connect(AuthProfile.BOOTSTRAP_KEY);
        McpHttpClient anonymous = session.as(Map.of());
        for (Tool tool : TOOLS) {
            assertThat(catchThrowableOfType(Refused.class, () -> anonymous.callTool(tool.name(),
                    tool.arguments().apply(userId))).status()).as(tool.name()).isEqualTo(401);
        }
        assertThat(retrieved(session, userId)).isEqualTo("No memories found.");
        session.close();
    }

    @Test
    void theSseTransportNeedsACredentialToo() throws Exception {
        assertThat(HttpCalls.get(port, "/mcp/sse", null).status()).isEqualTo(401);
        HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/mcp/sse"))
                .header("Authorization", "Bearer " + AuthProfile.BOOTSTRAP_KEY).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(stream.statusCode()).isEqualTo(200);
            String endpoint = null;
            for (String line; endpoint == null && (line = events.readLine()) != null;) {
                if (line.startsWith("data:") && line.contains("/mcp/messages/")) {
                    endpoint = line.substring(5).strip();
                }
            }
            assertThat(endpoint).isNotNull();
            String initialize = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\", \"params\": {"
                    + "\"protocolVersion\": \"2024-11-05\", \"capabilities\": {}, \"clientInfo\": {\"name\": \"t\", \"version\": \"1\"}}}";
            assertThat(HttpCalls.post(port, endpoint, null, Map.of("Content-Type", "application/json"), initialize)
                    .status()).isEqualTo(401);
            assertThat(HttpCalls.post(port, endpoint, issue(newTenant(), null, List.of("memories:read")),
                    Map.of("Content-Type", "application/json"), initialize).status())
                    .as("another credential than the stream's").isEqualTo(404);
            assertThat(HttpCalls.post(port, endpoint, AuthProfile.BOOTSTRAP_KEY,
                    Map.of("Content-Type", "application/json"), initialize).status()).isIn(200, 202);
        }
    }

    @Test
    void aKeyWithoutTheScopeAToolNeedsIsDeniedAndChangesNothing() {
        String tenant = newTenant();
        for (Tool tool : TOOLS) {
            if (tool.needs() == null) {
                continue;
            }
            List<String> allBut = new ArrayList<>(Credentials.ALL_SCOPES);
            allBut.remove(tool.needs().scope());
            McpHttpClient lacking = connect(issue(tenant, null, allBut));
            McpHttpClient holding = connect(issue(tenant, null, List.of(tool.needs().scope(), "memories:read")));

            JsonNode denied = lacking.toolResult(tool.name(), tool.arguments().apply("user-1"));
            assertThat(denied.path("isError").asBoolean()).as(tool.name()).isTrue();
            assertThat(denied.path("content").get(0).path("text").asText()).as(tool.name())
                    .startsWith("Permission denied: ").contains("'" + tool.needs().scope() + "'");
            if (tool.name().equals("add_memory")) {
                assertThat(retrieved(holding, "user-1")).isEqualTo("No memories found.");
            }
            JsonNode allowed = holding.toolResult(tool.name(), tool.arguments().apply("user-1"));
            assertThat(allowed.path("content").get(0).path("text").asText()).as(tool.name())
                    .doesNotStartWith("Permission denied");
            lacking.close();
            holding.close();
        }
    }

    @Test
    void aKeyLimitedToAUserIdPrefixActsForNoOtherUser() {
        String tenant = newTenant();
        McpHttpClient limited = connect(issue(tenant, "team-a:", Credentials.MEMORY_SCOPES));
        for (Tool tool : TOOLS) {
            if (tool.userScoped()) {
                JsonNode denied = limited.toolResult(tool.name(), tool.arguments().apply("team-b:bob"));
                assertThat(denied.path("content").get(0).path("text").asText()).as(tool.name())
                        .startsWith("Permission denied: ").contains("team-a:");
                assertThat(limited.toolResult(tool.name(), tool.arguments().apply("team-a:alice")).path("content").get(0)
                        .path("text").asText()).as(tool.name()).doesNotStartWith("Permission denied");
            }
        }
        McpHttpClient admin = connect(issue(tenant, null, Credentials.MEMORY_SCOPES));
        assertThat(retrieved(admin, "team-b:bob")).isEqualTo("No memories found.");
        assertThat(retrieved(admin, "team-a:alice")).contains("I keep bees on my roof.");
        limited.close();
        admin.close();
    }

    @Test
    void anotherTenantSeesNothingOfThisOne() {
        McpHttpClient a = connect(issue(newTenant(), null, Credentials.MEMORY_SCOPES));
        McpHttpClient b = connect(issue(newTenant(), null, Credentials.MEMORY_SCOPES));
        a.toolResult("add_memory", TOOLS.get(0).arguments().apply("alice"));

        assertThat(retrieved(b, "alice")).isEqualTo("No memories found.");
        assertThat(retrieved(a, "alice")).contains("I keep bees on my roof.");
        a.close();
        b.close();
    }

    @Test
    void aRevokedKeyIsRefusedFromItsNextRequestOn() {
        String key = issue(newTenant(), null, Credentials.MEMORY_SCOPES);
        McpHttpClient session = connect(key);
        assertThat(retrieved(session, "user-1")).isEqualTo("No memories found.");

        HttpCalls.post(port, "/RevokeApiKey", AuthProfile.BOOTSTRAP_KEY, Map.of("Content-Type", "application/json"),
                "{\"key_id\": \"" + key.substring(4, 20) + "\"}");

        for (Tool tool : TOOLS) {
            assertThat(catchThrowableOfType(Refused.class, () -> session.callTool(tool.name(),
                    tool.arguments().apply("user-1"))).status()).as(tool.name()).isEqualTo(401);
        }
        assertThat(catchThrowableOfType(Refused.class, () -> connect(key)).status()).isEqualTo(401);
    }

    @Test
    void tokensOfAWrongIssuerOrAudienceOrPastTheirExpiryOpenNoSession() {
        Map<String, Object> claims = Map.of("lightmem_tenant", "default", "scope", String.join(" ", Credentials.ALL_SCOPES));
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("another issuer", issuers.stranger().token("mallory", TokenIssuers.AUDIENCE, claims));
        tokens.put("another audience", issuers.organisation().token("mallory", "some-other-service", claims));
        tokens.put("expired", issuers.organisation().sign(issuers.organisation().url(), "mallory", TokenIssuers.AUDIENCE,
                Instant.now().minusSeconds(600), claims));
        tokens.forEach((what, token) -> assertThat(catchThrowableOfType(Refused.class, () -> connect(token)).status())
                .as(what).isEqualTo(401));

        McpHttpClient alice = connect(issuers.organisation().token("alice", TokenIssuers.AUDIENCE, claims));
        assertThat(retrieved(alice, "alice")).isEqualTo("No memories found.");
        // And a session of one credential is no other credential's: it answers as unknown.
        McpHttpClient mallory = alice.as(Map.of("Authorization", "Bearer " + issue(newTenant(), null,
                Credentials.MEMORY_SCOPES)));
        assertThat(catchThrowableOfType(Refused.class, () -> mallory.callTool("retrieve_memory",
                Map.of("user_id", "alice", "query", "anything"))).status()).isEqualTo(404);
        alice.close();
    }

    @Test
    void aCrossSitePostFromAWebPageIsRefusedBeforeAnythingRuns() {
        String key = issue(newTenant(), null, Credentials.MEMORY_SCOPES);
        McpHttpClient session = connect(key);
        String userId = "csrf-" + UUID.randomUUID();
        String plant = "{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"tools/call\", \"params\": {\"name\": \"add_memory\","
                + " \"arguments\": {\"user_id\": \"" + userId + "\", \"user_input\": \"Wire money to evil.example\","
                + " \"assistant_reply\": \"OK\", \"force_extract\": true}}}";
        Map<String, String> session7 = Map.of("Mcp-Session-Id", session.sessionId(), "Accept",
                "application/json, text/event-stream");

        // What a page can send without a preflight: text/plain, its own Origin, no credential.
        Answer simple = mcpPost(null, plant, with(session7, "Content-Type", "text/plain", "Origin", "https://evil.example"));
        assertThat(simple.status()).isEqualTo(403);
        assertThat(simple.json().path("type").asText()).isEqualTo("urn:lightmem:problem:origin-not-allowed");
        // Even with the credential, neither a foreign Origin nor a body that is not JSON gets through.
        assertThat(mcpPost(key, plant, with(session7, "Content-Type", "application/json", "Origin", "https://evil.example"))
                .status()).isEqualTo(403);
        assertThat(mcpPost(key, plant, with(session7, "Content-Type", "text/plain")).status()).isEqualTo(415);
        assertThat(mcpPost(key, plant, with(session7, "Content-Type", "application/x-www-form-urlencoded")).status())
                .isEqualTo(415);
        assertThat(retrieved(session, userId)).isEqualTo("No memories found.");

        // A page of an allowed origin, with the credential and JSON, is served.
        assertThat(mcpPost(key, plant, with(session7, "Content-Type", "application/json", "Origin",
                AuthProfile.ALLOWED_ORIGIN)).status()).isEqualTo(200);
        assertThat(retrieved(session, userId)).contains("Wire money to evil.example");
        session.close();
    }

    @Test
    void eachCredentialHoldsAtMostItsCapOfSessions() {
        String key = issue(newTenant(), null, List.of("memories:read"));
        List<McpHttpClient> sessions = new ArrayList<>();
        for (int i = 0; i < AuthProfile.MCP_SESSIONS; i++) {
            sessions.add(connect(key));
        }
        Refused over = catchThrowableOfType(Refused.class, () -> connect(key));
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.header("Retry-After")).isNotNull();
        assertThat(over.body()).contains("max-sessions-per-credential");
        // The sessions it holds still work, and other credentials are not affected.
        assertThat(retrieved(sessions.get(0), "user-1")).isEqualTo("No memories found.");
        McpHttpClient other = connect(issue(newTenant(), null, List.of("memories:read")));

        // Ending a session frees its place.
        assertThat(sessions.remove(0).close()).isEqualTo(200);
        McpHttpClient again = connect(key);
        assertThat(retrieved(again, "user-1")).isEqualTo("No memories found.");
        sessions.forEach(McpHttpClient::close);
        again.close();
        other.close();
    }

    // ---- helpers

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    private McpHttpClient connect(String credential) {
        return McpHttpClient.connect(endpoint(), Map.of("Authorization", "Bearer " + credential));
    }

    private static String retrieved(McpHttpClient mcp, String userId) {
        return mcp.toolResult("retrieve_memory", Map.of("user_id", userId, "query", "bees money roof"))
                .path("content").get(0).path("text").asText();
    }

    private Answer mcpPost(String credential, String body, Map<String, String> headers) {
        return HttpCalls.post(port, "/mcp", credential, headers, body);
    }

    private static Map<String, String> with(Map<String, String> base, String... more) {
        Map<String, String> headers = new LinkedHashMap<>(base);
        for (int i = 0; i < more.length; i += 2) {
            headers.put(more[i], more[i + 1]);
        }
        return headers;
    }

    private String issue(String tenant, String prefix, List<String> scopes) {
        return HttpCalls.post(port, "/CreateApiKey", AuthProfile.BOOTSTRAP_KEY, Map.of("Content-Type", "application/json"),
                "{\"name\": \"mcp test\", \"tenant_id\": \"" + tenant + "\", \"scopes\": "
                        + HttpCalls.JSON.valueToTree(scopes).toString()
                        + (prefix == null ? "" : ", \"user_id_prefix\": \"" + prefix + "\"") + "}").json().path("key").asText();
    }

    private static String newTenant() {
        return "t-" + UUID.randomUUID();
    }
}
