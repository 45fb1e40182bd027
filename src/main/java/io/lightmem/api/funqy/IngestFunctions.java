package io.lightmem.api.funqy;

import io.lightmem.api.funqy.Messages.AddMemoryRequest;
import io.lightmem.api.funqy.Messages.AddMemoryResponse;
import io.lightmem.api.funqy.Messages.FlushRequest;
import io.lightmem.api.funqy.Messages.FlushResponse;
import io.lightmem.auth.Callers;
import io.lightmem.auth.Permission;
import io.lightmem.ingest.AddResult;
import io.lightmem.ingest.MemoryIngestor;
import io.lightmem.ingest.RequestIds;
import io.quarkus.funqy.Context;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import jakarta.inject.Singleton;

/** AddMemory and Flush as functions (plain HTTP JSON and CloudEvents); the work is MemoryIngestor's. */
@Singleton
public class IngestFunctions {

    private final MemoryIngestor ingestor;
    private final Callers callers;

    public IngestFunctions(MemoryIngestor ingestor, Callers callers) {
        this.callers = callers;
        this.ingestor = ingestor;
    }

    /**
     * @param event the CloudEvent that carried the request, null over plain HTTP. Knative delivers at
     *        least once, so without a request_id of its own the event's source and id serve as one:
     *        a redelivered event is not accepted twice.
     */
    @Funq("AddMemory")
    public AddMemoryResponse addMemory(AddMemoryRequest request, @Context CloudEvent<?> event) {
        JsonMapping.required(request, "AddMemory");
        String requestId = request.requestId() == null && event != null
                ? RequestIds.ofCloudEvent(event.source(), event.id())
                : request.requestId();
        AddResult result = ingestor.add(callers.owner(request.userId(), Permission.MEMORIES_WRITE), requestId, JsonMapping.messages(request.messages()),
                request.forceSegment(), request.forceExtract());
        return new AddMemoryResponse(result.messageIds(), JsonMapping.entries(result.stored()), result.llmCalls(),
                result.pendingMessages(), result.deferredReason(), result.repeatedRequest());
    }

    @Funq("Flush")
    public FlushResponse flush(FlushRequest request) {
        JsonMapping.required(request, "Flush");
        AddResult result = ingestor.flush(callers.owner(request.userId(), Permission.MEMORIES_WRITE));
        return new FlushResponse(JsonMapping.entries(result.stored()), result.llmCalls(), result.pendingMessages(),
                result.deferredReason());
    }
}
