package io.lightmem.auth;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.user;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.Credentials;
import io.lightmem.v1.AdminServiceGrpc;
import io.lightmem.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.lightmem.v1.CompressRequest;
import io.lightmem.v1.ComputeSentenceAttentionRequest;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.CountTokensRequest;
import io.lightmem.v1.CreateApiKeyRequest;
import io.lightmem.v1.DeleteMemoriesRequest;
import io.lightmem.v1.EmbedRequest;
import io.lightmem.v1.EraseTenantRequest;
import io.lightmem.v1.FlushRequest;
import io.lightmem.v1.GetMemoryRequest;
import io.lightmem.v1.GetModelInfoRequest;
import io.lightmem.v1.GetTimestampRequest;
import io.lightmem.v1.GetUsageRequest;
import io.lightmem.v1.ListApiKeysRequest;
import io.lightmem.v1.ListAuditLogRequest;
import io.lightmem.v1.ListHistoryRequest;
import io.lightmem.v1.ListMemoriesRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.ModelServiceGrpc;
import io.lightmem.v1.ModelServiceGrpc.ModelServiceBlockingStub;
import io.lightmem.v1.ExportMemoriesRequest;
import io.lightmem.v1.ExportMemoriesResponse;
import io.lightmem.v1.ImportMemoriesRequest;
import io.lightmem.v1.ImportMemoriesResponse;
import io.lightmem.v1.OfflineUpdateRequest;
import io.lightmem.v1.PortabilityServiceGrpc;
import io.lightmem.v1.PortabilityServiceGrpc.PortabilityServiceBlockingStub;
import io.lightmem.v1.PortabilityServiceGrpc.PortabilityServiceStub;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RevokeApiKeyRequest;
import io.lightmem.v1.ShowInstanceRequest;
import io.lightmem.v1.UndoChangeRequest;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Every RPC of the four services, each with a request it can serve, for checks that must hold for all
 * of them. A call's status is what the checks look at.
 */
final class GrpcCalls {

    /** The stubs of one caller. */
    record Stubs(MemoryServiceBlockingStub memory, AdminServiceBlockingStub admin, ModelServiceBlockingStub models,
            PortabilityServiceBlockingStub exports, PortabilityServiceStub imports, String tenant) {

        static Stubs of(ManagedChannel channel, String credential, String tenant) {
            return new Stubs(Credentials.bearer(MemoryServiceGrpc.newBlockingStub(channel), credential),
                    Credentials.bearer(AdminServiceGrpc.newBlockingStub(channel), credential),
                    Credentials.bearer(ModelServiceGrpc.newBlockingStub(channel), credential),
                    Credentials.bearer(PortabilityServiceGrpc.newBlockingStub(channel), credential),
                    Credentials.bearer(PortabilityServiceGrpc.newStub(channel), credential), tenant);
        }

        /** The user's memories as an export streams them (the stream read to its end). */
        List<ExportMemoriesResponse> export(String userId) {
            List<ExportMemoriesResponse> exported = new ArrayList<>();
            exports.withDeadlineAfter(60, TimeUnit.SECONDS)
                    .exportMemories(ExportMemoriesRequest.newBuilder().setUserId(userId).build())
                    .forEachRemaining(exported::add);
            return exported;
        }

        /** Imports nothing into the user: the stream is its first message alone. */
        ImportMemoriesResponse importNothing(String userId) {
            CompletableFuture<ImportMemoriesResponse> answer = new CompletableFuture<>();
            StreamObserver<ImportMemoriesRequest> requests = imports.withDeadlineAfter(60, TimeUnit.SECONDS)
                    .importMemories(new StreamObserver<>() {
                        @Override
                        public void onNext(ImportMemoriesResponse response) {
                            answer.complete(response);
                        }

                        @Override
                        public void onError(Throwable failure) {
                            answer.completeExceptionally(failure);
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            requests.onNext(ImportMemoriesRequest.newBuilder().setUserId(userId).build());
            requests.onCompleted();
            try {
                return answer.get(90, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof StatusRuntimeException status ? status : new IllegalStateException(e);
            } catch (InterruptedException | TimeoutException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * @param needs the permission the call needs; null when any authenticated caller may make it
     * @param userScoped whether the call names a user id
     */
    record Rpc(String fullName, Permission needs, boolean userScoped, BiConsumer<Stubs, String> call) {

        /** The call's status: OK, or the code it failed with. */
        Status.Code status(Stubs stubs, String userId) {
            try {
                call.accept(stubs, userId);
                return Status.Code.OK;
            } catch (StatusRuntimeException e) {
                return e.getStatus().getCode();
            }
        }

        @Override
        public String toString() {
            return fullName;
        }
    }

    static final List<Rpc> ALL = List.of(
            memory("AddMemory", Permission.MEMORIES_WRITE,
                    (s, u) -> s.memory().addMemory(add(u, user("I keep bees on my roof.", "2024-01-15T10:30:00")))),
            memory("Flush", Permission.MEMORIES_WRITE,
                    (s, u) -> s.memory().flush(FlushRequest.newBuilder().setUserId(u).build())),
            memory("Retrieve", Permission.MEMORIES_READ,
                    (s, u) -> s.memory().retrieve(RetrieveRequest.newBuilder().setUserId(u).setQuery("bees").build())),
            memory("ConstructUpdateQueue", Permission.CONSOLIDATE, (s, u) -> s.memory().constructUpdateQueue(
                    ConstructUpdateQueueRequest.newBuilder().setUserId(u).build())),
            memory("OfflineUpdate", Permission.CONSOLIDATE,
                    (s, u) -> s.memory().offlineUpdate(OfflineUpdateRequest.newBuilder().setUserId(u).build())),
            memory("ListHistory", Permission.MEMORIES_READ,
                    (s, u) -> s.memory().listHistory(ListHistoryRequest.newBuilder().setUserId(u).build())),
            memory("UndoChange", Permission.MEMORIES_WRITE,
                    (s, u) -> s.memory().undoChange(UndoChangeRequest.newBuilder().setUserId(u).setChangeId(1).build())),
            memory("GetMemory", Permission.MEMORIES_READ, (s, u) -> s.memory().getMemory(GetMemoryRequest.newBuilder()
                    .setUserId(u).setMemoryId(UUID.randomUUID().toString()).build())),
            memory("ListMemories", Permission.MEMORIES_READ,
                    (s, u) -> s.memory().listMemories(ListMemoriesRequest.newBuilder().setUserId(u).build())),
            memory("DeleteMemories", Permission.MEMORIES_ERASE, (s, u) -> s.memory().deleteMemories(
                    DeleteMemoriesRequest.newBuilder().setUserId(u).addMemoryIds(UUID.randomUUID().toString()).build())),
            new Rpc("lightmem.v1.MemoryService/GetTimestamp", null, false,
                    (s, u) -> s.memory().getTimestamp(GetTimestampRequest.getDefaultInstance())),
            new Rpc("lightmem.v1.MemoryService/ShowInstance", null, false,
                    (s, u) -> s.memory().showInstance(ShowInstanceRequest.getDefaultInstance())),
            memory("GetUsage", Permission.MEMORIES_READ,
                    (s, u) -> s.memory().getUsage(GetUsageRequest.newBuilder().setUserId(u).build())),
            // A key grants only scopes its creator holds: admin, which every caller of this RPC holds.
            admin("CreateApiKey", (s, u) -> s.admin().createApiKey(CreateApiKeyRequest.newBuilder().setName("made by a test")
                    .addScopes("admin").build())),
            admin("ListApiKeys", (s, u) -> s.admin().listApiKeys(ListApiKeysRequest.getDefaultInstance())),
            admin("RevokeApiKey", (s, u) -> s.admin().revokeApiKey(RevokeApiKeyRequest.newBuilder()
                    .setKeyId("nosuchkeyaaaaaaa").build())),
            // Erases the caller's own tenant: every test works in tenants of its own.
            admin("EraseTenant", (s, u) -> s.admin().eraseTenant(EraseTenantRequest.newBuilder().setTenantId(s.tenant())
                    .build())),
            new Rpc("lightmem.v1.PortabilityService/ExportMemories", Permission.MEMORIES_READ, true,
                    (s, u) -> s.export(u)),
            new Rpc("lightmem.v1.PortabilityService/ImportMemories", Permission.MEMORIES_WRITE, true,
                    (s, u) -> s.importNothing(u)),
            admin("ListAuditLog", (s, u) -> s.admin().listAuditLog(ListAuditLogRequest.getDefaultInstance())),
            models("GetModelInfo", (s, u) -> s.models().getModelInfo(GetModelInfoRequest.getDefaultInstance())),
            models("Embed", (s, u) -> s.models().embed(EmbedRequest.newBuilder().addTexts("bees").build())),
            models("CountTokens", (s, u) -> s.models().countTokens(CountTokensRequest.newBuilder().addTexts("bees").build())),
            models("Compress", (s, u) -> s.models().compress(CompressRequest.newBuilder().addTexts("bees").build())),
            models("ComputeSentenceAttention", (s, u) -> s.models().computeSentenceAttention(
                    ComputeSentenceAttentionRequest.newBuilder().addSentences("Bees.").addSentences("Honey.").build())));

    private GrpcCalls() {
    }

    /** The RPC of this method name (e.g. "Retrieve"). */
    static Rpc named(String method) {
        return ALL.stream().filter(rpc -> rpc.fullName().endsWith("/" + method)).findFirst().orElseThrow();
    }

    private static Rpc memory(String method, Permission needs, BiConsumer<Stubs, String> call) {
        return new Rpc("lightmem.v1.MemoryService/" + method, needs, true, call);
    }

    private static Rpc admin(String method, BiConsumer<Stubs, String> call) {
        return new Rpc("lightmem.v1.AdminService/" + method, Permission.ADMIN, false, call);
    }

    private static Rpc models(String method, BiConsumer<Stubs, String> call) {
        return new Rpc("lightmem.v1.ModelService/" + method, Permission.MODELS, false, call);
    }
}
