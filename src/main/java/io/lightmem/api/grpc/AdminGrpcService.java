package io.lightmem.api.grpc;

import io.lightmem.audit.AuditEntry;
import io.lightmem.audit.AuditLog;
import io.lightmem.auth.ApiKeys;
import io.lightmem.auth.Callers;
import io.lightmem.auth.Permission;
import io.lightmem.erase.TenantEraser;
import io.lightmem.v1.AdminService;
import io.lightmem.v1.ApiKey;
import io.lightmem.v1.AuditLogEntry;
import io.lightmem.v1.CreateApiKeyRequest;
import io.lightmem.v1.CreateApiKeyResponse;
import io.lightmem.v1.EraseTenantRequest;
import io.lightmem.v1.EraseTenantResponse;
import io.lightmem.v1.ListApiKeysRequest;
import io.lightmem.v1.ListApiKeysResponse;
import io.lightmem.v1.ListAuditLogRequest;
import io.lightmem.v1.ListAuditLogResponse;
import io.lightmem.v1.RevokeApiKeyRequest;
import io.lightmem.v1.RevokeApiKeyResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.Objects;
import java.util.function.Supplier;

/** gRPC front of tenant administration (admin_service.proto): API keys, erasing a tenant, the audit log. */
@GrpcService
@Blocking
public class AdminGrpcService implements AdminService {

    private final ApiKeys apiKeys;
    private final TenantEraser tenants;
    private final AuditLog audit;
    private final Callers callers;

    public AdminGrpcService(ApiKeys apiKeys, TenantEraser tenants, AuditLog audit, Callers callers) {
        this.apiKeys = apiKeys;
        this.tenants = tenants;
        this.audit = audit;
        this.callers = callers;
    }

    @Override
    public Uni<CreateApiKeyResponse> createApiKey(CreateApiKeyRequest request) {
        return call(() -> {
            ApiKeys.Created created = apiKeys.create(callers.require(Permission.ADMIN), request.getTenantId(),
                    request.getName(), request.getScopesList(), request.getUserIdPrefix());
            return CreateApiKeyResponse.newBuilder()
                    .setKey(created.key())
                    .setKeyId(created.apiKey().keyId())
                    .setApiKey(apiKey(created.apiKey()))
                    .build();
        });
    }

    @Override
    public Uni<ListApiKeysResponse> listApiKeys(ListApiKeysRequest request) {
        return call(() -> {
            ListApiKeysResponse.Builder response = ListApiKeysResponse.newBuilder();
            apiKeys.list(callers.require(Permission.ADMIN), request.getTenantId(), request.getIncludeRevoked())
                    .forEach(key -> response.addApiKeys(apiKey(key)));
            return response.build();
        });
    }

    @Override
    public Uni<RevokeApiKeyResponse> revokeApiKey(RevokeApiKeyRequest request) {
        return call(() -> RevokeApiKeyResponse.newBuilder()
                .setApiKey(apiKey(apiKeys.revoke(callers.require(Permission.ADMIN), request.getKeyId())))
                .build());
    }

    @Override
    public Uni<EraseTenantResponse> eraseTenant(EraseTenantRequest request) {
        return call(() -> {
            TenantEraser.Erased erased = tenants.erase(callers.require(Permission.ADMIN), request.getTenantId());
            return EraseTenantResponse.newBuilder()
                    .setUsers(erased.users())
                    .setDeletedMemories(erased.memories())
                    .setDeletedMessages(erased.messages())
                    .build();
        });
    }

    @Override
    public Uni<ListAuditLogResponse> listAuditLog(ListAuditLogRequest request) {
        return call(() -> {
            String tenant = callers.require(Permission.ADMIN).tenantToAdminister(request.getTenantId());
            AuditLog.Page page = audit.list(tenant, request.getPageSize(), request.getPageToken());
            ListAuditLogResponse.Builder response = ListAuditLogResponse.newBuilder()
                    .setNextPageToken(Objects.requireNonNullElse(page.nextPageToken(), ""));
            page.entries().forEach(entry -> response.addEntries(entry(entry)));
            return response.build();
        });
    }

    private static ApiKey apiKey(io.lightmem.auth.ApiKey key) {
        ApiKey.Builder proto = ApiKey.newBuilder()
                .setKeyId(key.keyId())
                .setTenantId(key.tenantId())
                .setName(key.name())
                .addAllScopes(key.scopes())
                .setCreatedAt(GrpcMapping.timestamp(key.createdAt()))
                .setCreatedBy(key.createdBy());
        if (key.userIdPrefix() != null) {
            proto.setUserIdPrefix(key.userIdPrefix());
        }
        if (key.lastUsedAt() != null) {
            proto.setLastUsedAt(GrpcMapping.timestamp(key.lastUsedAt()));
        }
        if (key.revokedAt() != null) {
            proto.setRevokedAt(GrpcMapping.timestamp(key.revokedAt()));
        }
        return proto.build();
    }

    private static AuditLogEntry entry(AuditEntry entry) {
        AuditLogEntry.Builder proto = AuditLogEntry.newBuilder()
                .setId(entry.id())
                .setAt(GrpcMapping.timestamp(entry.at()))
                .setTenantId(entry.tenantId())
                .setActor(entry.actor())
                .setAction(entry.action())
                .setDetailsJson(AuditLog.json(entry.details()));
        if (entry.target() != null) {
            proto.setTarget(entry.target());
        }
        return proto.build();
    }

    private static <T> Uni<T> call(Supplier<T> work) {
        return Uni.createFrom().item(work).onFailure().transform(GrpcErrors::toStatus);
    }
}
