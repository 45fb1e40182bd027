package io.lightmem.api.funqy;

import io.lightmem.api.funqy.Messages.ApiKey;
import io.lightmem.api.funqy.Messages.AuditLogEntry;
import io.lightmem.api.funqy.Messages.CreateApiKeyRequest;
import io.lightmem.api.funqy.Messages.CreateApiKeyResponse;
import io.lightmem.api.funqy.Messages.EraseTenantRequest;
import io.lightmem.api.funqy.Messages.EraseTenantResponse;
import io.lightmem.api.funqy.Messages.ListApiKeysRequest;
import io.lightmem.api.funqy.Messages.ListApiKeysResponse;
import io.lightmem.api.funqy.Messages.ListAuditLogRequest;
import io.lightmem.api.funqy.Messages.ListAuditLogResponse;
import io.lightmem.api.funqy.Messages.RevokeApiKeyRequest;
import io.lightmem.api.funqy.Messages.RevokeApiKeyResponse;
import io.lightmem.audit.AuditLog;
import io.lightmem.auth.ApiKeys;
import io.lightmem.auth.Callers;
import io.lightmem.auth.Permission;
import io.lightmem.erase.TenantEraser;
import io.quarkus.funqy.Funq;
import jakarta.inject.Singleton;

/** The AdminService as functions: API keys, erasing a tenant, the audit log (admin scope). */
@Singleton
public class AdminFunctions {

    private final ApiKeys apiKeys;
    private final TenantEraser tenants;
    private final AuditLog audit;
    private final Callers callers;

    public AdminFunctions(ApiKeys apiKeys, TenantEraser tenants, AuditLog audit, Callers callers) {
        this.apiKeys = apiKeys;
        this.tenants = tenants;
        this.audit = audit;
        this.callers = callers;
    }

    @Funq("CreateApiKey")
    public CreateApiKeyResponse createApiKey(CreateApiKeyRequest request) {
        JsonMapping.required(request, "CreateApiKey");
        ApiKeys.Created created = apiKeys.create(callers.require(Permission.ADMIN), JsonMapping.text(request.tenantId()),
                request.name(), request.scopes(), request.userIdPrefix());
        return new CreateApiKeyResponse(created.key(), created.apiKey().keyId(), apiKey(created.apiKey()));
    }

    @Funq("ListApiKeys")
    public ListApiKeysResponse listApiKeys(ListApiKeysRequest request) {
        JsonMapping.required(request, "ListApiKeys");
        return new ListApiKeysResponse(apiKeys.list(callers.require(Permission.ADMIN),
                JsonMapping.text(request.tenantId()), request.includeRevoked()).stream().map(AdminFunctions::apiKey).toList());
    }

    @Funq("RevokeApiKey")
    public RevokeApiKeyResponse revokeApiKey(RevokeApiKeyRequest request) {
        JsonMapping.required(request, "RevokeApiKey");
        return new RevokeApiKeyResponse(apiKey(apiKeys.revoke(callers.require(Permission.ADMIN), request.keyId())));
    }

    @Funq("EraseTenant")
    public EraseTenantResponse eraseTenant(EraseTenantRequest request) {
        JsonMapping.required(request, "EraseTenant");
        TenantEraser.Erased erased = tenants.erase(callers.require(Permission.ADMIN), request.tenantId());
        return new EraseTenantResponse(erased.users(), erased.memories(), erased.messages());
    }

    @Funq("ListAuditLog")
    public ListAuditLogResponse listAuditLog(ListAuditLogRequest request) {
        JsonMapping.required(request, "ListAuditLog");
        String tenant = callers.require(Permission.ADMIN).tenantToAdminister(JsonMapping.text(request.tenantId()));
        AuditLog.Page page = audit.list(tenant, request.pageSize(), JsonMapping.text(request.pageToken()));
        return new ListAuditLogResponse(page.entries().stream()
                .map(entry -> new AuditLogEntry(entry.id(), entry.at(), entry.tenantId(), entry.actor(), entry.action(),
                        entry.target(), entry.details()))
                .toList(), page.nextPageToken());
    }

    private static ApiKey apiKey(io.lightmem.auth.ApiKey key) {
        return new ApiKey(key.keyId(), key.tenantId(), key.name(), key.scopes(), key.userIdPrefix(), key.createdAt(),
                key.createdBy(), key.lastUsedAt(), key.revokedAt());
    }
}
