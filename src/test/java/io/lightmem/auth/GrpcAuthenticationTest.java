package io.lightmem.auth;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.lightmem.auth.GrpcCalls.Rpc;
import io.lightmem.auth.GrpcCalls.Stubs;
import io.lightmem.testing.AuthProfile;
import io.lightmem.testing.Credentials;
import io.lightmem.testing.TokenIssuers;
import io.lightmem.testing.TokenIssuers.InjectIssuers;
import io.lightmem.testing.TokenIssuers.Issuers;
import io.lightmem.v1.AdminServiceGrpc;
import io.lightmem.v1.DeleteMemoriesRequest;
import io.lightmem.v1.EraseTenantRequest;
import io.lightmem.v1.GetMemoryRequest;
import io.lightmem.v1.GetUsageRequest;
import io.lightmem.v1.ListApiKeysRequest;
import io.lightmem.v1.ListAuditLogRequest;
import io.lightmem.v1.ListHistoryRequest;
import io.lightmem.v1.ListMemoriesRequest;
import io.lightmem.v1.MemoryEntry;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.ModelServiceGrpc;
import io.lightmem.v1.PortabilityServiceGrpc;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RevokeApiKeyRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trust boundary of the gRPC API, checked for every RPC of MemoryService, AdminService and
 * ModelService and for reflection: who is refused, and what an accepted caller can and cannot see.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
class GrpcAuthenticationTest {

    private static final Set<Status.Code> REFUSED = Set.of(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    @InjectIssuers
    Issuers issuers;

    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = Credentials.channel(port);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void theCatalogCoversEveryRpcTheServicesOffer() {
        Set<String> offered = Stream.of(MemoryServiceGrpc.getServiceDescriptor(), AdminServiceGrpc.getServiceDescriptor(),
                        ModelServiceGrpc.getServiceDescriptor(), PortabilityServiceGrpc.getServiceDescriptor())
                .flatMap(service -> service.getMethods().stream()).map(MethodDescriptor::getFullMethodName)
                .collect(Collectors.toSet());

        assertThat(GrpcCalls.ALL).extracting(Rpc::fullName).containsExactlyInAnyOrderElementsOf(offered);
    }

    @Test
    void withoutACredentialEveryCallIsRefusedAndNothingIsStored() {
        String userId = "victim-" + UUID.randomUUID();
        Stubs anonymous = Stubs.of(channel, null, "default");

        assertThat(statuses(anonymous, userId)).allSatisfy((rpc, status) -> assertThat(status)
                .as(rpc).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(reflection(null)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(memories(Stubs.of(channel, AuthProfile.BOOTSTRAP_KEY, "default"), userId)).isEmpty();
        // Probes need no credential.
        assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void unknownKeysAndForeignSchemesAreRefused() {
        for (String credential : List.of("lmk_aaaaaaaaaaaaaaaa_" + "A".repeat(43), "lmk_not-a-key",
                "some-random-token", "a.b.c", AuthProfile.BOOTSTRAP_KEY + "x")) {
            assertThat(statuses(Stubs.of(channel, credential, "default"), "someone")).as(credential)
                    .allSatisfy((rpc, status) -> assertThat(status).as(rpc).isEqualTo(Status.Code.UNAUTHENTICATED));
        }
        var basic = io.lightmem.v1.MemoryServiceGrpc.newBlockingStub(channel).withInterceptors(
                io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(header("Basic " + AuthProfile.BOOTSTRAP_KEY)));
        assertThat(new Rpc("basic", null, false, (s, u) -> basic.getTimestamp(
                io.lightmem.v1.GetTimestampRequest.getDefaultInstance())).status(null, null))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void aKeyWithoutTheScopeACallNeedsIsDenied() {
        String tenant = newTenant();
        for (Rpc rpc : GrpcCalls.ALL) {
            if (rpc.needs() == null) {
                continue;
            }
            List<String> allBut = new ArrayList<>(Credentials.ALL_SCOPES);
            allBut.remove(rpc.needs().scope());
            Stubs lacking = Stubs.of(channel, issue(tenant, null, allBut), tenant);
            Stubs holding = Stubs.of(channel, issue(tenant, null, List.of(rpc.needs().scope())), tenant);

            Stubs reader = Stubs.of(channel, issue(tenant, null, List.of("memories:read")), tenant);

            boolean adds = rpc.fullName().endsWith("/AddMemory");

            assertThat(rpc.status(lacking, "user-1")).as(rpc.fullName()).isEqualTo(Status.Code.PERMISSION_DENIED);
            if (adds) {
                assertThat(memories(reader, "user-1")).as("nothing stored").isEmpty();
            }
            assertThat(rpc.status(holding, "user-1")).as(rpc.fullName()).isNotIn(REFUSED);
            if (adds) {
                assertThat(memories(reader, "user-1")).hasSize(1);
            }
        }
    }

    @Test
    void aKeyLimitedToAUserIdPrefixActsForNoOtherUser() {
        String tenant = newTenant();
        String key = issue(tenant, "team-a:", Credentials.ALL_SCOPES);
        Stubs limited = Stubs.of(channel, key, tenant);

        for (Rpc rpc : GrpcCalls.ALL) {
            if (rpc.userScoped()) {
                assertThat(rpc.status(limited, "team-b:bob")).as(rpc.fullName()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(rpc.status(limited, "team-a:alice")).as(rpc.fullName()).isNotIn(REFUSED);
            }
        }
        assertThat(memories(Stubs.of(channel, AuthProfile.BOOTSTRAP_KEY, "default"), "team-b:bob")).isEmpty();
        // Nor can it issue a key that escapes the prefix.
        assertThat(new Rpc("escape", null, false, (s, u) -> Credentials.issue(channel, key, tenant, "team-",
                List.of("memories:read"))).status(null, null)).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void anotherTenantSeesAndChangesNothingOfThisOne() {
        String tenantA = newTenant();
        String tenantB = newTenant();
        Stubs a = Stubs.of(channel, issue(tenantA, null, Credentials.ALL_SCOPES), tenantA);
        Stubs b = Stubs.of(channel, issue(tenantB, null, Credentials.ALL_SCOPES), tenantB);
        String sameUser = "alice";
        a.memory().addMemory(add(sameUser, user("My locker code is 4711.", "2024-02-01T08:00:00")));
        MemoryEntry secret = a.memory().listMemories(ListMemoriesRequest.newBuilder().setUserId(sameUser).build())
                .getEntries(0);

        assertThat(b.memory().retrieve(RetrieveRequest.newBuilder().setUserId(sameUser).setQuery("locker code 4711")
                .setLimit(100).build()).getMemoriesList()).isEmpty();
        assertThat(memories(b, sameUser)).isEmpty();
        assertThat(b.export(sameUser)).isEmpty();
        assertThat(new Rpc("get", null, false, (s, u) -> b.memory().getMemory(GetMemoryRequest.newBuilder()
                .setUserId(sameUser).setMemoryId(secret.getId()).build())).status(null, null))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(b.memory().listHistory(ListHistoryRequest.newBuilder().setUserId(sameUser).build()).getChangesList())
                .isEmpty();
        assertThat(b.memory().getUsage(GetUsageRequest.newBuilder().setUserId(sameUser).build()).getOperationsList())
                .isEmpty();
        assertThat(b.memory().deleteMemories(DeleteMemoriesRequest.newBuilder().setUserId(sameUser)
                .addMemoryIds(secret.getId()).build()).getDeletedMemories()).isZero();
        assertThat(b.memory().deleteMemories(DeleteMemoriesRequest.newBuilder().setUserId(sameUser).setAll(true)
                .build()).getDeletedMemories()).isZero();
        assertThat(b.admin().eraseTenant(EraseTenantRequest.newBuilder().setTenantId(tenantB).build())
                .getDeletedMemories()).isZero();

        assertThat(memories(a, sameUser)).containsExactly("My locker code is 4711.");
        // Administration stays within the tenant too.
        String keyOfA = a.admin().listApiKeys(ListApiKeysRequest.getDefaultInstance()).getApiKeys(0).getKeyId();
        assertThat(b.admin().listApiKeys(ListApiKeysRequest.getDefaultInstance()).getApiKeysList())
                .extracting(k -> k.getTenantId()).containsOnly(tenantB);
        assertThat(new Rpc("revoke", null, false, (s, u) -> b.admin().revokeApiKey(RevokeApiKeyRequest.newBuilder()
                .setKeyId(keyOfA).build())).status(null, null)).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(new Rpc("audit", null, false, (s, u) -> b.admin().listAuditLog(ListAuditLogRequest.newBuilder()
                .setTenantId(tenantA).build())).status(null, null)).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(new Rpc("erase", null, false, (s, u) -> b.admin().eraseTenant(EraseTenantRequest.newBuilder()
                .setTenantId(tenantA).build())).status(null, null)).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(memories(a, sameUser)).hasSize(1);
    }

    @Test
    void aRevokedKeyIsRefusedFromItsNextCallOn() {
        String tenant = newTenant();
        String key = issue(tenant, null, Credentials.ALL_SCOPES);
        Stubs holder = Stubs.of(channel, key, tenant);
        assertThat(GrpcCalls.named("Retrieve").status(holder, "user-1")).isEqualTo(Status.Code.OK);
        String keyId = keyIdOf(key);

        Stubs admin = Stubs.of(channel, AuthProfile.BOOTSTRAP_KEY, "default");
        assertThat(admin.admin().revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(keyId).build()).getApiKey()
                .hasRevokedAt()).isTrue();

        assertThat(statuses(holder, "user-1")).allSatisfy((rpc, status) -> assertThat(status).as(rpc)
                .isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(reflection(key)).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void anOidcTokenActsWithinItsClaims() {
        String tenant = newTenant();
        String token = issuers.organisation().token("alice@example.com", TokenIssuers.AUDIENCE, Map.of(
                "lightmem_tenant", tenant,
                "scope", "openid memories:read memories:write",
                "lightmem_user_id_prefix", "alice"));
        Stubs alice = Stubs.of(channel, token, tenant);

        assertThat(GrpcCalls.named("AddMemory").status(alice, "alice")).isEqualTo(Status.Code.OK);
        assertThat(memories(alice, "alice")).containsExactly("I keep bees on my roof.");
        assertThat(memories(Stubs.of(channel, issue(tenant, null, List.of("memories:read")), tenant), "alice"))
                .as("stored in the token's tenant").hasSize(1);
        assertThat(GrpcCalls.named("AddMemory").status(alice, "bob")).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(GrpcCalls.named("DeleteMemories").status(alice, "alice")).as("no memories:erase").isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(GrpcCalls.named("CreateApiKey").status(alice, "alice")).as("no admin").isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void tokensOfAWrongIssuerOrAudienceOrPastTheirExpiryAreRefused() {
        issuers.refusedTokens().forEach((what, token) -> assertThat(statuses(Stubs.of(channel, token, "default"), "someone")).as(what)
                .allSatisfy((rpc, status) -> assertThat(status).as(what + ": " + rpc).isEqualTo(Status.Code.UNAUTHENTICATED)));
    }

    @Test
    void reflectionAnswersOnlyAnAuthenticatedCaller() {
        assertThat(reflection(null)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(reflection(issue(newTenant(), null, List.of("memories:read")))).isEqualTo(Status.Code.OK);
    }

    // ---- helpers

    private Map<String, Status.Code> statuses(Stubs stubs, String userId) {
        Map<String, Status.Code> statuses = new LinkedHashMap<>();
        for (Rpc rpc : GrpcCalls.ALL) {
            statuses.put(rpc.fullName(), rpc.status(stubs, userId));
        }
        return statuses;
    }

    /** Lists the services through reflection; the stream's status. */
    private Status.Code reflection(String credential) {
        CompletableFuture<Status.Code> done = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = Credentials.bearer(ServerReflectionGrpc.newStub(channel),
                credential).serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        assertThat(response.getListServicesResponse().getServiceList())
                                .extracting(service -> service.getName()).contains("lightmem.v1.MemoryService");
                    }

                    @Override
                    public void onError(Throwable failure) {
                        done.complete(Status.fromThrowable(failure).getCode());
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(Status.Code.OK);
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return done.orTimeout(30, TimeUnit.SECONDS).join();
    }

    private List<String> memories(Stubs stubs, String userId) {
        return stubs.memory().listMemories(ListMemoriesRequest.newBuilder().setUserId(userId).build()).getEntriesList()
                .stream().map(MemoryEntry::getMemory).toList();
    }

    private String issue(String tenant, String prefix, List<String> scopes) {
        return Credentials.issue(channel, AuthProfile.BOOTSTRAP_KEY, tenant, prefix, scopes);
    }

    private static String newTenant() {
        return "t-" + UUID.randomUUID();
    }

    private static String keyIdOf(String key) {
        return key.substring("lmk_".length(), "lmk_".length() + 16);
    }

    private static io.grpc.Metadata header(String value) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), value);
        return headers;
    }
}
