package io.lightmem.api.grpc;

import io.grpc.ServerServiceDefinition;
import io.lightmem.api.Admission;
import io.lightmem.api.InstanceInfo;
import io.lightmem.auth.Callers;
import io.lightmem.auth.Permission;
import io.lightmem.consolidate.Consolidator;
import io.lightmem.consolidate.HistoryService;
import io.lightmem.consolidate.UpdateQueueBuilder;
import io.lightmem.erase.MemoryEraser;
import io.lightmem.ingest.AddResult;
import io.lightmem.ingest.MemoryIngestor;
import io.lightmem.ingest.MessageInput;
import io.lightmem.llm.LlmUsage;
import io.lightmem.memory.ScoredMemory;
import io.lightmem.memory.SessionTimes;
import io.lightmem.memory.UsageTotals;
import io.lightmem.retrieve.MemoryLookup;
import io.lightmem.retrieve.MemorySearch;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.ConstructUpdateQueueRequest;
import io.lightmem.v1.ConstructUpdateQueueResponse;
import io.lightmem.v1.DeleteMemoriesRequest;
import io.lightmem.v1.DeleteMemoriesResponse;
import io.lightmem.v1.FlushRequest;
import io.lightmem.v1.FlushResponse;
import io.lightmem.v1.GetMemoryRequest;
import io.lightmem.v1.GetMemoryResponse;
import io.lightmem.v1.GetTimestampRequest;
import io.lightmem.v1.GetTimestampResponse;
import io.lightmem.v1.GetUsageRequest;
import io.lightmem.v1.GetUsageResponse;
import io.lightmem.v1.ListHistoryRequest;
import io.lightmem.v1.ListHistoryResponse;
import io.lightmem.v1.ListMemoriesRequest;
import io.lightmem.v1.ListMemoriesResponse;
import io.lightmem.v1.MutinyMemoryServiceGrpc;
import io.lightmem.v1.OfflineUpdateRequest;
import io.lightmem.v1.OfflineUpdateResponse;
import io.lightmem.v1.OperationUsage;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import io.lightmem.v1.RetrievedMemory;
import io.lightmem.v1.ShowInstanceRequest;
import io.lightmem.v1.ShowInstanceResponse;
import io.lightmem.v1.UndoChangeRequest;
import io.lightmem.v1.UndoChangeResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** gRPC front of the memory service; the work happens in the capability packages. */
@GrpcService
@Blocking
public class MemoryGrpcService extends MutinyMemoryServiceGrpc.MemoryServiceImplBase {

    private final MemoryIngestor ingestor;
    private final MemorySearch search;
    private final InstanceInfo instance;
    private final LlmUsage usage;
    private final UpdateQueueBuilder queueBuilder;
    private final Consolidator consolidator;
    private final HistoryService history;
    private final MemoryLookup lookup;
    private final MemoryEraser eraser;
    private final Admission admission;
    private final Callers callers;

    public MemoryGrpcService(Admission admission, MemoryIngestor ingestor, MemorySearch search, InstanceInfo instance,
            LlmUsage usage, UpdateQueueBuilder queueBuilder, Consolidator consolidator, HistoryService history,
            MemoryLookup lookup, MemoryEraser eraser, Callers callers) {
        this.callers = callers;
        this.ingestor = ingestor;
        this.search = search;
        this.instance = instance;
        this.usage = usage;
        this.queueBuilder = queueBuilder;
        this.consolidator = consolidator;
        this.history = history;
        this.lookup = lookup;
        this.eraser = eraser;
        this.admission = admission;
    }

    /** Requests whose strings are not valid UTF-8 are refused naming the field ({@link Utf8Requests}). */
    @Override
    public ServerServiceDefinition bindService() {
        return Utf8Requests.checked(super.bindService());
    }

    @Override
    public Uni<AddMemoryResponse> addMemory(AddMemoryRequest request) {
        return call(() -> {
            List<MessageInput> messages = new ArrayList<>(request.getMessagesCount());
            for (int i = 0; i < request.getMessagesCount(); i++) {
                messages.add(GrpcMapping.message(request.getMessages(i), i));
            }
            AddResult result = ingestor.add(callers.owner(request.getUserId(), Permission.MEMORIES_WRITE), request.getRequestId(), messages,
                    request.getForceSegment(), request.getForceExtract());
            AddMemoryResponse.Builder response = AddMemoryResponse.newBuilder()
                    .addAllMessageIds(result.messageIds())
                    .setRepeatedRequest(result.repeatedRequest())
                    .setLlmCalls(result.llmCalls())
                    .setPendingMessages(result.pendingMessages())
                    .setDeferredReason(Objects.requireNonNullElse(result.deferredReason(), ""));
            result.stored().forEach(entry -> response.addEntries(GrpcMapping.entry(entry)));
            return response.build();
        });
    }

    @Override
    public Uni<FlushResponse> flush(FlushRequest request) {
        return call(() -> {
            AddResult result = ingestor.flush(callers.owner(request.getUserId(), Permission.MEMORIES_WRITE));
            FlushResponse.Builder response = FlushResponse.newBuilder()
                    .setLlmCalls(result.llmCalls())
                    .setPendingMessages(result.pendingMessages())
                    .setDeferredReason(Objects.requireNonNullElse(result.deferredReason(), ""));
            result.stored().forEach(entry -> response.addEntries(GrpcMapping.entry(entry)));
            return response.build();
        });
    }

    @Override
    public Uni<GetUsageResponse> getUsage(GetUsageRequest request) {
        return call(() -> {
            GetUsageResponse.Builder response = GetUsageResponse.newBuilder();
            for (UsageTotals totals : usage.totals(callers.owner(request.getUserId(), Permission.MEMORIES_READ))) {
                response.addOperations(OperationUsage.newBuilder()
                        .setOperation(totals.operation())
                        .setCalls(totals.calls())
                        .setPromptTokens(totals.promptTokens())
                        .setCompletionTokens(totals.completionTokens())
                        .setTotalTokens(totals.totalTokens()));
            }
            return response.build();
        });
    }

    @Override
    public Uni<RetrieveResponse> retrieve(RetrieveRequest request) {
        return call(() -> {
            MemorySearch.Result found = search.retrieve(callers.owner(request.getUserId(), Permission.MEMORIES_READ), request.getQuery(), request.getLimit(),
                    GrpcMapping.filter(request.getFilter()), GrpcMapping.strategy(request), request.getEfSearch(),
                    GrpcMapping.queryTime(request));
            RetrieveResponse.Builder response = RetrieveResponse.newBuilder()
                    .setStrategy(GrpcMapping.strategy(found.strategy()))
                    .setTruncated(found.truncated());
            for (ScoredMemory scored : found.memories()) {
                response.addMemories(RetrievedMemory.newBuilder()
                        .setEntry(GrpcMapping.entry(scored.entry()))
                        .setScore(scored.similarity()));
                response.addFormatted(scored.entry().formatted());
            }
            return response.build();
        });
    }

    @Override
    public Uni<ConstructUpdateQueueResponse> constructUpdateQueue(ConstructUpdateQueueRequest request) {
        return call(() -> {
            UpdateQueueBuilder.Built built = queueBuilder.construct(callers.owner(request.getUserId(), Permission.CONSOLIDATE), request.getTopK(),
                    request.getKeepTopN());
            return ConstructUpdateQueueResponse.newBuilder()
                    .setEntries(built.entries())
                    .setQueueRows(built.queueRows())
                    .setRunId(built.runId())
                    .setElapsedMs(built.elapsedMs())
                    .build();
        });
    }

    @Override
    public Uni<OfflineUpdateResponse> offlineUpdate(OfflineUpdateRequest request) {
        return call(() -> GrpcMapping.updateRun(consolidator.offlineUpdate(callers.owner(request.getUserId(), Permission.CONSOLIDATE),
                request.hasScoreThreshold() ? request.getScoreThreshold() : null)));
    }

    @Override
    public Uni<ListHistoryResponse> listHistory(ListHistoryRequest request) {
        return call(() -> {
            ListHistoryResponse.Builder response = ListHistoryResponse.newBuilder();
            history.list(callers.owner(request.getUserId(), Permission.MEMORIES_READ), request.getMemoryId(), request.getLimit())
                    .forEach(change -> response.addChanges(GrpcMapping.change(change)));
            return response.build();
        });
    }

    @Override
    public Uni<UndoChangeResponse> undoChange(UndoChangeRequest request) {
        return call(() -> {
            HistoryService.Undone undone = history.undo(callers.owner(request.getUserId(), Permission.MEMORIES_WRITE), request.getChangeId());
            return UndoChangeResponse.newBuilder()
                    .setEntry(GrpcMapping.entry(undone.entry()))
                    .setChange(GrpcMapping.change(undone.change()))
                    .build();
        });
    }

    @Override
    public Uni<GetMemoryResponse> getMemory(GetMemoryRequest request) {
        return call(() -> GetMemoryResponse.newBuilder()
                .setEntry(GrpcMapping.entry(lookup.get(callers.owner(request.getUserId(), Permission.MEMORIES_READ), request.getMemoryId())))
                .build());
    }

    @Override
    public Uni<ListMemoriesResponse> listMemories(ListMemoriesRequest request) {
        return call(() -> {
            MemoryLookup.Page page = lookup.list(callers.owner(request.getUserId(), Permission.MEMORIES_READ), request.getPageSize(), request.getPageToken());
            ListMemoriesResponse.Builder response = ListMemoriesResponse.newBuilder()
                    .setNextPageToken(Objects.requireNonNullElse(page.nextPageToken(), ""));
            page.entries().forEach(entry -> response.addEntries(GrpcMapping.entry(entry)));
            return response.build();
        });
    }

    @Override
    public Uni<DeleteMemoriesResponse> deleteMemories(DeleteMemoriesRequest request) {
        return call(() -> {
            MemoryEraser.Erased erased = eraser.delete(callers.owner(request.getUserId(), Permission.MEMORIES_ERASE), request.getMemoryIdsList(),
                    request.getAll());
            return DeleteMemoriesResponse.newBuilder()
                    .setDeletedMemories(erased.memories())
                    .setDeletedMessages(erased.messages())
                    .build();
        });
    }

    @Override
    public Uni<GetTimestampResponse> getTimestamp(GetTimestampRequest request) {
        return call(() -> {
            callers.current();
            OffsetDateTime now = instance.now();
            return GetTimestampResponse.newBuilder()
                    .setTimeStamp(SessionTimes.format(now))
                    .setWeekday(SessionTimes.weekday(now))
                    .setEpochSeconds(now.toEpochSecond() + now.getNano() / 1e9)
                    .build();
        });
    }

    @Override
    public Uni<ShowInstanceResponse> showInstance(ShowInstanceRequest request) {
        return call(() -> {
            callers.current();
            return ShowInstanceResponse.newBuilder()
                    .putAllConfig(instance.effectiveConfig())
                    .putAllConfigSources(instance.configSources())
                    .setVersion(instance.version())
                    .setMemoryManager(instance.memoryManager())
                    .build();
        });
    }

    /** Runs the work on this worker thread once admitted (load shedding); failures become statuses. */
    private <T> Uni<T> call(Supplier<T> work) {
        return Uni.createFrom().item(() -> admission.call(work)).onFailure().transform(GrpcErrors::toStatus);
    }
}
