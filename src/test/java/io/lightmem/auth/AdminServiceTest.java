package io.lightmem.auth;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.auth.GrpcCalls.Stubs;
import io.lightmem.testing.AuthProfile;
import io.lightmem.testing.Credentials;
import io.lightmem.v1.ApiKey;
import io.lightmem.v1.AuditLogEntry;
import io.lightmem.v1.CreateApiKeyRequest;
import io.lightmem.v1.CreateApiKeyResponse;
import io.lightmem.v1.DeleteMemoriesRequest;
import io.lightmem.v1.EraseTenantRequest;
import io.lightmem.v1.EraseTenantResponse;
import io.lightmem.v1.ListApiKeysRequest;
import io.lightmem.v1.ListAuditLogRequest;
import io.lightmem.v1.ListAuditLogResponse;
import io.lightmem.v1.ListMemoriesRequest;
import io.lightmem.v1.RevokeApiKeyRequest;
import io.lightmem.v1.ShowInstanceRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Key management, erasing a tenant and the audit log, as a tenant's administrator uses them. */
@QuarkusTest
@TestProfile(AuthProfile.class)
class AdminServiceTest {

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    @Inject
    AgroalDataSource dataSource;

    ManagedChannel channel;
    String tenant;
    String adminKey;
    Stubs admin;

    @BeforeEach
    void anAdministratorOfANewTenant() {
        channel = Credentials.channel(port);
        tenant = "t-" + UUID.randomUUID();
        adminKey = Credentials.issue(channel, AuthProfile.BOOTSTRAP_KEY, tenant, null, Credentials.ALL_SCOPES);
        admin = Stubs.of(channel, adminKey, tenant);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aKeyIsShownOnceAndStoredOnlyAsAHash() throws Exception {
        CreateApiKeyResponse created = admin.admin().createApiKey(CreateApiKeyRequest.newBuilder().setName("chat backend")
                .addScopes("memories:read").addScopes("memories:write").setUserIdPrefix("chat:").build());

        assertThat(created.getKey()).startsWith("lmk_" + created.getKeyId() + "_").hasSize(4 + 16 + 1 + 43);
        ApiKey listed = admin.admin().listApiKeys(ListApiKeysRequest.getDefaultInstance()).getApiKeysList().stream()
                .filter(key -> key.getKeyId().equals(created.getKeyId())).findFirst().orElseThrow();
        assertThat(listed.toString()).doesNotContain(created.getKey().substring(21));
        assertThat(listed.getScopesList()).containsExactly("memories:read", "memories:write");
        assertThat(listed.getUserIdPrefix()).isEqualTo("chat:");
        assertThat(listed.getCreatedBy()).startsWith("key:");
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("SELECT * FROM api_key WHERE key_id = ?")) {
            query.setString(1, created.getKeyId());
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
                    assertThat(String.valueOf(row.getObject(column))).doesNotContain(created.getKey().substring(21));
                }
            }
        }
        // Nor does the configuration show a secret.
        assertThat(admin.memory().showInstance(ShowInstanceRequest.getDefaultInstance()).toString())
                .doesNotContain(AuthProfile.BOOTSTRAP_KEY).doesNotContain("bootstrap-key");
    }

    @Test
    void aKeyGetsNoScopeItsCreatorLacks() {
        Stubs reader = Stubs.of(channel, Credentials.issue(channel, adminKey, tenant, null,
                List.of("admin", "memories:read")), tenant);

        StatusRuntimeException escalation = catchThrowableOfType(StatusRuntimeException.class,
                () -> reader.admin().createApiKey(CreateApiKeyRequest.newBuilder().setName("escalation")
                        .addScopes("memories:erase").build()));
        assertThat(escalation.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(escalation.getStatus().getDescription()).contains("memories:erase");
        StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
                () -> admin.admin().createApiKey(CreateApiKeyRequest.newBuilder().setName("typo")
                        .addScopes("memories:rread").build()));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(unknown.getStatus().getDescription()).startsWith("scopes[0]: unknown scope 'memories:rread'");
        StatusRuntimeException otherTenant = catchThrowableOfType(StatusRuntimeException.class,
                () -> admin.admin().createApiKey(CreateApiKeyRequest.newBuilder().setName("elsewhere")
                        .setTenantId("default").addScopes("memories:read").build()));
        assertThat(otherTenant.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void erasingATenantErasesItsUsersOnlyAndEveryErasureIsAudited() {
        Stubs neighbour = Stubs.of(channel, Credentials.issue(channel, AuthProfile.BOOTSTRAP_KEY,
                "t-" + UUID.randomUUID(), null, Credentials.MEMORY_SCOPES), null);
        for (String userId : List.of("alice", "bob")) {
            admin.memory().addMemory(add(userId, user("I have a dog.", "2024-02-01T08:00:00")));
            neighbour.memory().addMemory(add(userId, user("I have a cat.", "2024-02-01T08:00:00")));
        }
        String aliceMemory = admin.memory().listMemories(ListMemoriesRequest.newBuilder().setUserId("alice").build())
                .getEntries(0).getId();
        admin.memory().deleteMemories(DeleteMemoriesRequest.newBuilder().setUserId("alice").addMemoryIds(aliceMemory)
                .build());

        StatusRuntimeException unnamed = catchThrowableOfType(StatusRuntimeException.class,
                () -> admin.admin().eraseTenant(EraseTenantRequest.getDefaultInstance()));
        assertThat(unnamed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        EraseTenantResponse erased = admin.admin().eraseTenant(EraseTenantRequest.newBuilder().setTenantId(tenant).build());

        assertThat(erased.getUsers()).isEqualTo(2);
        assertThat(erased.getDeletedMemories()).isEqualTo(1);
        assertThat(erased.getDeletedMessages()).isEqualTo(2);
        assertThat(admin.memory().listMemories(ListMemoriesRequest.newBuilder().setUserId("bob").build())
                .getEntriesList()).isEmpty();
        assertThat(neighbour.memory().listMemories(ListMemoriesRequest.newBuilder().setUserId("bob").build())
                .getEntriesList()).hasSize(1);

        ListAuditLogResponse audit = admin.admin().listAuditLog(ListAuditLogRequest.getDefaultInstance());
        assertThat(audit.getEntriesList()).extracting(AuditLogEntry::getAction)
                .containsExactly("erase_tenant", "delete_memories", "create_api_key");
        AuditLogEntry tenantErasure = audit.getEntries(0);
        assertThat(tenantErasure.getActor()).startsWith("key:");
        assertThat(tenantErasure.getDetailsJson()).contains("\"users\":2", "\"memories\":1", "\"messages\":2");
        assertThat(audit.getEntries(1).getTarget()).isEqualTo("alice");
        assertThat(audit.getEntries(2).getActor()).isEqualTo("bootstrap");
    }

    @Test
    void revokingIsAuditedAndTheAuditLogPages() {
        for (int i = 0; i < 3; i++) {
            String keyId = admin.admin().createApiKey(CreateApiKeyRequest.newBuilder().setName("k" + i)
                    .addScopes("memories:read").build()).getKeyId();
            admin.admin().revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(keyId).build());
            // Revoking twice changes (and audits) nothing.
            admin.admin().revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(keyId).build());
        }
        assertThat(admin.admin().listApiKeys(ListApiKeysRequest.getDefaultInstance()).getApiKeysList()).hasSize(1);
        assertThat(admin.admin().listApiKeys(ListApiKeysRequest.newBuilder().setIncludeRevoked(true).build())
                .getApiKeysList()).hasSize(4);

        ListAuditLogResponse first = admin.admin().listAuditLog(ListAuditLogRequest.newBuilder().setPageSize(4).build());
        ListAuditLogResponse rest = admin.admin().listAuditLog(ListAuditLogRequest.newBuilder().setPageSize(4)
                .setPageToken(first.getNextPageToken()).build());
        assertThat(first.getEntriesList()).extracting(AuditLogEntry::getAction)
                .containsExactly("revoke_api_key", "create_api_key", "revoke_api_key", "create_api_key");
        assertThat(rest.getEntriesList()).extracting(AuditLogEntry::getAction)
                .containsExactly("revoke_api_key", "create_api_key", "create_api_key");
        assertThat(rest.getNextPageToken()).isEmpty();
    }
}
