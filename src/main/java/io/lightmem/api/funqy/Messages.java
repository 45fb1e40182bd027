package io.lightmem.api.funqy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the functions: the messages of proto/lightmem/v1/memory_service.proto with the
 * proto JSON mapping's field names (snake_case). Enum values are the proto names (ROLE_USER,
 * RETRIEVE_STRATEGY_HYBRID, …); requests also take the short form (user, hybrid). Timestamps are
 * ISO-8601 strings. A field left out means its default, as in proto3; fields without a value are left
 * out of responses. The meaning of each field is documented in the proto file.
 */
public final class Messages {

    private Messages() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Message(String role, String content, String timeStamp, String speakerId, String speakerName) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AddMemoryRequest(String userId, List<Message> messages, boolean forceSegment,
            boolean forceExtract, String requestId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AddMemoryResponse(List<Long> messageIds, List<MemoryEntry> entries, int llmCalls,
            int pendingMessages, String deferredReason, boolean repeatedRequest) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FlushRequest(String userId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FlushResponse(List<MemoryEntry> entries, int llmCalls, int pendingMessages, String deferredReason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MemoryEntry(String id, String userId, String memory, String originalMemory, Instant timeStamp,
            String weekday, String speakerId, String speakerName, String category, String subcategory, int hitTime,
            String formatted, List<String> sources, List<String> keywords, List<String> entities,
            String compressedMemory, String utcOffset) {
    }

    /**
     * time_from / time_to: ISO-8601, as message time stamps ("2024-01-15T10:30:00Z"; without a zone, in
     * lightmem.default-time-zone).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RetrieveFilter(String timeFrom, String timeTo, String speakerName, String category) {
    }

    /** query_time: when the question is asked, in the forms of the filter's times. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RetrieveRequest(String userId, String query, int limit, RetrieveFilter filter, String strategy,
            int efSearch, String queryTime) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RetrievedMemory(MemoryEntry entry, double score) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RetrieveResponse(List<RetrievedMemory> memories, List<String> formatted, String strategy,
            boolean truncated) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GetMemoryRequest(String userId, String memoryId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GetMemoryResponse(MemoryEntry entry) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ListMemoriesRequest(String userId, int pageSize, String pageToken) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ListMemoriesResponse(List<MemoryEntry> entries, String nextPageToken) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeleteMemoriesRequest(String userId, List<String> memoryIds, boolean all) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeleteMemoriesResponse(int deletedMemories, int deletedMessages) {
    }

    public record GetTimestampRequest() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GetTimestampResponse(String timeStamp, String weekday, double epochSeconds) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GetUsageRequest(String userId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OperationUsage(String operation, long calls, long promptTokens, long completionTokens,
            long totalTokens) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GetUsageResponse(List<OperationUsage> operations) {
    }

    public record ShowInstanceRequest() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ShowInstanceResponse(Map<String, String> config, String version, String memoryManager,
            Map<String, String> configSources) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ConstructUpdateQueueRequest(String userId, int topK, int keepTopN) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ConstructUpdateQueueResponse(int entries, int queueRows, long runId, long elapsedMs) {
    }

    /** score_threshold: left out means the configured default. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OfflineUpdateRequest(String userId, Double scoreThreshold) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConsolidationDecision(String targetId, List<String> sourceIds, String action, String newMemory,
            Long changeId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OfflineUpdateResponse(long runId, int targets, int alreadyDecided,
            List<ConsolidationDecision> decisions, int skipped, int llmCalls, int remaining, String abortedReason) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ListHistoryRequest(String userId, String memoryId, int limit) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MemoryChange(long changeId, String memoryId, String action, String oldMemory, String newMemory,
            Instant changedAt, Instant undoneAt, Long runId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ListHistoryResponse(List<MemoryChange> changes) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UndoChangeRequest(String userId, long changeId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UndoChangeResponse(MemoryEntry entry, MemoryChange change) {
    }

    /** No fields; a pass works on every user due. */
    public record RunConsolidationRequest() {
    }

    /**
     * One pass of the scheduled consolidation (not in the proto: an event-driven trigger).
     *
     * @param consolidated users whose queues were rebuilt and, with an LLM, decided
     * @param busy users skipped because they were being consolidated elsewhere
     * @param failed users whose consolidation failed (see the server log)
     * @param moreDue the pass stopped at lightmem.consolidation.schedule.max-users-per-run; run another
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RunConsolidationResponse(int consolidated, int busy, int failed, boolean moreDue) {
    }

    // ---- AdminService (proto/lightmem/v1/admin_service.proto)

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ApiKey(String keyId, String tenantId, String name, List<String> scopes, String userIdPrefix,
            Instant createdAt, String createdBy, Instant lastUsedAt, Instant revokedAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateApiKeyRequest(String name, List<String> scopes, String userIdPrefix, String tenantId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateApiKeyResponse(String key, String keyId, ApiKey apiKey) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ListApiKeysRequest(String tenantId, boolean includeRevoked) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ListApiKeysResponse(List<ApiKey> apiKeys) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RevokeApiKeyRequest(String keyId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RevokeApiKeyResponse(ApiKey apiKey) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EraseTenantRequest(String tenantId) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EraseTenantResponse(int users, int deletedMemories, int deletedMessages) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ListAuditLogRequest(String tenantId, int pageSize, String pageToken) {
    }

    /** details: the action's counts and names, as an object (gRPC carries it as details_json). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AuditLogEntry(long id, Instant at, String tenantId, String actor, String action, String target,
            Map<String, Object> details) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ListAuditLogResponse(List<AuditLogEntry> entries, String nextPageToken) {
    }
}
