package io.lightmem.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lightmem.api.funqy.FunctionCatalog;
import io.lightmem.auth.HttpCalls.Answer;
import io.lightmem.auth.HttpCalls.Function;
import io.lightmem.testing.AuthProfile;
import io.lightmem.testing.Credentials;
import io.lightmem.testing.TokenIssuers;
import io.lightmem.testing.TokenIssuers.InjectIssuers;
import io.lightmem.testing.TokenIssuers.Issuers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The trust boundary of the HTTP port, checked for every function, called as plain HTTP JSON and as a
 * CloudEvent: who is refused (401 with a Bearer challenge, 403), and what an accepted caller can see.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
class HttpAuthenticationTest {

    private static final Set<Integer> REFUSED = Set.of(401, 403);

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @InjectIssuers
    Issuers issuers;

    @Inject
    FunctionCatalog catalog;

    @Test
    void theCatalogCoversEveryFunctionTheServiceOffers() {
        assertThat(HttpCalls.ALL).extracting(Function::name)
                .containsExactlyInAnyOrderElementsOf(catalog.all().stream().map(FunctionCatalog.Function::name).toList());
    }

    @Test
    void withoutACredentialEveryFunctionAndEventIsRefusedWithABearerChallenge() {
        String userId = "victim-" + UUID.randomUUID();
        for (Function function : HttpCalls.ALL) {
            Answer plain = HttpCalls.call(port, function, null, userId, "default");
            assertThat(plain.status()).as(function.name()).isEqualTo(401);
            assertThat(plain.header("WWW-Authenticate")).as(function.name()).startsWith("Bearer realm=\"lightmem\"")
                    .contains("resource_metadata=\"http://127.0.0.1:" + port + "/.well-known/oauth-protected-resource\"");
            assertThat(plain.header("Content-Type")).startsWith("application/problem+json");
            assertThat(plain.json().path("code").asText()).isEqualTo("UNAUTHENTICATED");
            assertThat(plain.json().path("operation").asText()).isEqualTo(function.name());

            Answer event = HttpCalls.event(port, function, null, userId, "default");
            assertThat(event.status()).as(function.name()).isEqualTo(401);
            assertThat(event.header("ce-type")).isEqualTo("io.lightmem.v1.error");
            assertThat(event.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(event.json().path("code").asText()).isEqualTo("UNAUTHENTICATED");
        }
        assertThat(listed(AuthProfile.BOOTSTRAP_KEY, userId)).isEmpty();
    }

    @Test
    void healthMetricsAndTheResourceMetadataNeedNoCredential() {
        assertThat(HttpCalls.get(port, "/q/health/ready", null).status()).isEqualTo(200);
        assertThat(HttpCalls.get(port, "/q/health/live", null).status()).isEqualTo(200);
        Answer metrics = HttpCalls.get(port, "/q/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).doesNotContain(AuthProfile.BOOTSTRAP_KEY).doesNotContain("victim-");

        JsonNode metadata = HttpCalls.get(port, "/.well-known/oauth-protected-resource", null).json();
        assertThat(metadata.path("resource").asText()).isEqualTo("http://127.0.0.1:" + port);
        assertThat(metadata.path("authorization_servers").get(0).asText()).isEqualTo(issuers.organisation().url());
        assertThat(metadata.path("scopes_supported").toString()).contains("memories:read", "admin");
    }

    @Test
    void unknownKeysAreRefused() {
        for (String credential : List.of("lmk_aaaaaaaaaaaaaaaa_" + "A".repeat(43), "nonsense", "x.y.z")) {
            for (Function function : HttpCalls.ALL) {
                Answer answer = HttpCalls.call(port, function, credential, "someone", "default");
                assertThat(answer.status()).as(credential + " " + function).isEqualTo(401);
                assertThat(answer.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
            }
        }
    }

    @Test
    void aKeyWithoutTheScopeAFunctionNeedsIsDenied() {
        String tenant = newTenant();
        for (Function function : HttpCalls.ALL) {
            if (function.needs() == null) {
                continue;
            }
            List<String> allBut = new ArrayList<>(Credentials.ALL_SCOPES);
            allBut.remove(function.needs().scope());
            String lacking = issue(tenant, null, allBut);
            String holding = issue(tenant, null, List.of(function.needs().scope()));

            Answer denied = HttpCalls.call(port, function, lacking, "user-1", tenant);
            assertThat(denied.status()).as(function.name()).isEqualTo(403);
            assertThat(denied.json().path("code").asText()).isEqualTo("PERMISSION_DENIED");
            if (function.name().equals("AddMemory")) {
                assertThat(listed(issue(tenant, null, List.of("memories:read")), "user-1")).as("nothing stored").isEmpty();
            }
            assertThat(HttpCalls.event(port, function, lacking, "user-1", tenant).status()).as(function.name())
                    .isEqualTo(403);
            assertThat(HttpCalls.call(port, function, holding, "user-1", tenant).status()).as(function.name())
                    .isNotIn(REFUSED);
            if (function.name().equals("AddMemory")) {
                assertThat(listed(issue(tenant, null, List.of("memories:read")), "user-1")).hasSize(1);
            }
        }
    }

    @Test
    void aKeyLimitedToAUserIdPrefixActsForNoOtherUser() {
        String tenant = newTenant();
        String limited = issue(tenant, "team-a:", Credentials.ALL_SCOPES);
        for (Function function : HttpCalls.ALL) {
            if (function.userScoped()) {
                assertThat(HttpCalls.call(port, function, limited, "team-b:bob", tenant).status()).as(function.name())
                        .isEqualTo(403);
                assertThat(HttpCalls.event(port, function, limited, "team-b:bob", tenant).status()).as(function.name())
                        .isEqualTo(403);
                assertThat(HttpCalls.call(port, function, limited, "team-a:alice", tenant).status()).as(function.name())
                        .isNotIn(REFUSED);
            }
        }
        assertThat(listed(AuthProfile.BOOTSTRAP_KEY, "team-b:bob")).isEmpty();
    }

    @Test
    void anotherTenantSeesNothingOfThisOne() {
        String tenantA = newTenant();
        String tenantB = newTenant();
        String a = issue(tenantA, null, Credentials.MEMORY_SCOPES);
        String b = issue(tenantB, null, Credentials.MEMORY_SCOPES);
        assertThat(HttpCalls.call(port, HttpCalls.named("AddMemory"), a, "alice", tenantA).status()).isEqualTo(200);

        Answer retrieved = HttpCalls.call(port, HttpCalls.named("Retrieve"), b, "alice", tenantB);
        assertThat(retrieved.status()).isEqualTo(200);
        assertThat(retrieved.json().path("memories")).isEmpty();
        assertThat(listed(b, "alice")).isEmpty();
        Answer erased = HttpCalls.post(port, "/DeleteMemories", b, Map.of("Content-Type", "application/json"),
                "{\"user_id\": \"alice\", \"all\": true}");
        assertThat(erased.json().path("deleted_memories").asInt()).isZero();
        assertThat(listed(a, "alice")).containsExactly("I keep bees on my roof.");
    }

    @Test
    void aRevokedKeyIsRefusedFromItsNextRequestOn() {
        String tenant = newTenant();
        String key = issue(tenant, null, Credentials.ALL_SCOPES);
        assertThat(HttpCalls.call(port, HttpCalls.named("Retrieve"), key, "user-1", tenant).status()).isEqualTo(200);

        Answer revoked = HttpCalls.post(port, "/RevokeApiKey", AuthProfile.BOOTSTRAP_KEY,
                Map.of("Content-Type", "application/json"), "{\"key_id\": \"" + key.substring(4, 20) + "\"}");
        assertThat(revoked.json().path("api_key").path("revoked_at").asText()).isNotEmpty();

        for (Function function : HttpCalls.ALL) {
            assertThat(HttpCalls.call(port, function, key, "user-1", tenant).status()).as(function.name()).isEqualTo(401);
            assertThat(HttpCalls.event(port, function, key, "user-1", tenant).status()).as(function.name()).isEqualTo(401);
        }
    }

    @Test
    void tokensOfAWrongIssuerOrAudienceOrPastTheirExpiryAreRefused() {
        issuers.refusedTokens().forEach((what, token) -> {
            for (Function function : HttpCalls.ALL) {
                assertThat(HttpCalls.call(port, function, token, "someone", "default").status()).as(what + " " + function)
                        .isEqualTo(401);
                assertThat(HttpCalls.event(port, function, token, "someone", "default").status())
                        .as(what + " " + function).isEqualTo(401);
            }
        });
        // The same claims in a token the service trusts are accepted.
        Map<String, Object> claims = Map.of("lightmem_tenant", "default", "scope", String.join(" ", Credentials.ALL_SCOPES));
        String valid = issuers.organisation().token("alice", TokenIssuers.AUDIENCE, claims);
        assertThat(HttpCalls.call(port, HttpCalls.named("ListApiKeys"), valid, "someone", "default").status())
                .isEqualTo(200);
    }

    @Test
    void knativeDeliversEventsWithTheClusterTokenItsTriggerGets() {
        String userId = "event-user-" + UUID.randomUUID();
        String delivery = issuers.cluster().token("system:serviceaccount:lightmem:oidc-lightmem-addmemory",
                TokenIssuers.EVENTS_AUDIENCE, Map.of());

        Answer added = HttpCalls.event(port, HttpCalls.named("AddMemory"), delivery, userId, "default");
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.header("ce-type")).isEqualTo("io.lightmem.v1.AddMemory.response");
        assertThat(listed(AuthProfile.BOOTSTRAP_KEY, userId)).containsExactly("I keep bees on my roof.");
        assertThat(HttpCalls.event(port, HttpCalls.named("RunConsolidation"), delivery, userId, "default").status())
                .isEqualTo(200);
        // Delivery tokens carry the scopes of lightmem.auth.knative.scopes, which leave out admin.
        assertThat(HttpCalls.event(port, HttpCalls.named("ListApiKeys"), delivery, userId, "default").status())
                .isEqualTo(403);
    }

    @Test
    void exportAndImportNeedACredentialWithTheirScopeAndStayInTheCallersTenant() {
        String tenantA = newTenant();
        String tenantB = newTenant();
        String ofA = issue(tenantA, null, Credentials.ALL_SCOPES);
        Map<String, String> json = Map.of("Content-Type", "application/json");
        assertThat(HttpCalls.post(port, "/AddMemory", ofA, json, "{\"user_id\": \"alice\", \"messages\": [{\"role\":"
                + " \"user\", \"content\": \"My locker code is 4711.\", \"time_stamp\": \"2024-02-01T08:00:00\"}]}")
                .status()).isEqualTo(200);
        String exportAlice = "{\"user_id\": \"alice\"}";

        assertThat(HttpCalls.post(port, "/ExportMemories", null, json, exportAlice).status()).isEqualTo(401);
        assertThat(HttpCalls.post(port, "/ImportMemories?user_id=alice", null, Map.of(), "").status()).isEqualTo(401);
        assertThat(HttpCalls.post(port, "/ExportMemories", issue(tenantA, null, List.of("memories:write")), json,
                exportAlice).status()).isEqualTo(403);
        assertThat(HttpCalls.post(port, "/ImportMemories?user_id=alice", issue(tenantA, null, List.of("memories:read")),
                Map.of(), "").status()).isEqualTo(403);

        Answer own = HttpCalls.post(port, "/ExportMemories", ofA, json, exportAlice);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.body()).contains("My locker code is 4711.");
        // The same user id in another tenant is another user: nothing of tenant A's alice.
        Answer foreign = HttpCalls.post(port, "/ExportMemories", issue(tenantB, null, Credentials.ALL_SCOPES), json,
                exportAlice);
        assertThat(foreign.status()).isEqualTo(200);
        assertThat(foreign.body()).doesNotContain("4711");
    }

    // ---- helpers

    private List<String> listed(String credential, String userId) {
        Answer answer = HttpCalls.post(port, "/ListMemories", credential, Map.of("Content-Type", "application/json"),
                "{\"user_id\": \"" + userId + "\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<String> memories = new ArrayList<>();
        answer.json().path("entries").forEach(entry -> memories.add(entry.path("memory").asText()));
        return memories;
    }

    private String issue(String tenant, String prefix, List<String> scopes) {
        StringBuilder body = new StringBuilder("{\"name\": \"test key\", \"tenant_id\": \"").append(tenant)
                .append("\", \"scopes\": ").append(HttpCalls.JSON.valueToTree(scopes).toString());
        if (prefix != null) {
            body.append(", \"user_id_prefix\": \"").append(prefix).append('"');
        }
        Answer created = HttpCalls.post(port, "/CreateApiKey", AuthProfile.BOOTSTRAP_KEY,
                Map.of("Content-Type", "application/json"), body.append('}').toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().path("key").asText();
    }

    private static String newTenant() {
        return "t-" + UUID.randomUUID();
    }
}
