package io.lightmem.api.grpc;

import io.lightmem.api.grpc.v1.AddMemoryRequest;
import io.lightmem.api.grpc.v1.AddMemoryResponse;
import io.lightmem.api.grpc.v1.GetTimestampRequest;
import io.lightmem.api.grpc.v1.GetTimestampResponse;
import io.lightmem.api.grpc.v1.MemoryService;
import io.lightmem.api.grpc.v1.RetrieveRequest;
import io.lightmem.api.grpc.v1.RetrieveResponse;
import io.lightmem.api.grpc.v1.RetrievedMemory;
import io.lightmem.api.grpc.v1.ShowInstanceRequest;
import io.lightmem.api.grpc.v1.ShowInstanceResponse;
import io.lightmem.config.InstanceInfo;
import io.lightmem.ingest.AddResult;
import io.lightmem.ingest.MemoryIngestor;
import io.lightmem.ingest.MessageInput;
import io.lightmem.ingest.SessionTimes;
import io.lightmem.retrieve.MemorySearch;
import io.lightmem.store.MemoryRepository.Scored;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** gRPC front of the memory service; the work happens in the capability packages. */
@GrpcService
@Blocking
public class MemoryGrpcService implements MemoryService {

    private final MemoryIngestor ingestor;
    private final MemorySearch search;
    private final InstanceInfo instance;
    private final Clock clock;

    public MemoryGrpcService(MemoryIngestor ingestor, MemorySearch search, InstanceInfo instance) {
        this.ingestor = ingestor;
        this.search = search;
        this.instance = instance;
        this.clock = Clock.systemUTC();
    }

    @Override
    public Uni<AddMemoryResponse> addMemory(AddMemoryRequest request) {
        return call(() -> {
            List<MessageInput> messages = new ArrayList<>(request.getMessagesCount());
            for (int i = 0; i < request.getMessagesCount(); i++) {
                messages.add(GrpcMapping.message(request.getMessages(i), i));
            }
            AddResult result = ingestor.add(request.getUserId(), messages, request.getForceSegment(),
                    request.getForceExtract());
            AddMemoryResponse.Builder response = AddMemoryResponse.newBuilder()
                    .addAllMessageIds(result.messageIds())
                    .setLlmCalls(result.llmCalls())
                    .setPendingMessages(result.pendingMessages());
            result.stored().forEach(entry -> response.addEntries(GrpcMapping.entry(entry)));
            if (result.deferredReason() != null) {
                response.setDeferredReason(result.deferredReason());
            }
            return response.build();
        });
    }

    @Override
    public Uni<RetrieveResponse> retrieve(RetrieveRequest request) {
        return call(() -> {
            MemorySearch.Result found = search.retrieve(request.getUserId(), request.getQuery(), request.getLimit(),
                    GrpcMapping.filter(request.getFilter()), GrpcMapping.strategy(request), request.getEfSearch());
            RetrieveResponse.Builder response = RetrieveResponse.newBuilder()
                    .setStrategy(GrpcMapping.strategy(found.strategy()));
            for (Scored scored : found.memories()) {
                response.addMemories(RetrievedMemory.newBuilder()
                        .setEntry(GrpcMapping.entry(scored.entry()))
                        .setScore(scored.similarity()));
                response.addFormatted(scored.entry().formatted());
            }
            return response.build();
        });
    }

    @Override
    public Uni<GetTimestampResponse> getTimestamp(GetTimestampRequest request) {
        return call(() -> {
            Instant now = clock.instant();
            return GetTimestampResponse.newBuilder()
                    .setTimeStamp(SessionTimes.format(now))
                    .setWeekday(SessionTimes.weekday(now))
                    .setEpochSeconds(now.getEpochSecond() + now.getNano() / 1e9)
                    .build();
        });
    }

    @Override
    public Uni<ShowInstanceResponse> showInstance(ShowInstanceRequest request) {
        return call(() -> ShowInstanceResponse.newBuilder()
                .putAllConfig(instance.effectiveConfig())
                .setVersion(instance.version())
                .setMemoryManager(instance.memoryManager())
                .build());
    }

    private static <T> Uni<T> call(Supplier<T> work) {
        return Uni.createFrom().item(work).onFailure().transform(GrpcErrors::toStatus);
    }
}
