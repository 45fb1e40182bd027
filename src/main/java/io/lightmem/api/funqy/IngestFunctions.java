package io.lightmem.api.funqy;

import io.lightmem.api.funqy.Messages.AddMemoryRequest;
import io.lightmem.api.funqy.Messages.AddMemoryResponse;
import io.lightmem.api.funqy.Messages.FlushRequest;
import io.lightmem.api.funqy.Messages.FlushResponse;
import io.lightmem.ingest.AddResult;
import io.lightmem.ingest.MemoryIngestor;
import io.quarkus.funqy.Funq;
import jakarta.inject.Singleton;

/** AddMemory and Flush as functions (plain HTTP JSON and CloudEvents); the work is MemoryIngestor's. */
@Singleton
public class IngestFunctions {

    private final MemoryIngestor ingestor;

    public IngestFunctions(MemoryIngestor ingestor) {
        this.ingestor = ingestor;
    }

    @Funq("AddMemory")
    public AddMemoryResponse addMemory(AddMemoryRequest request) {
        JsonMapping.required(request, "AddMemory");
        AddResult result = ingestor.add(request.userId(), JsonMapping.messages(request.messages()),
                request.forceSegment(), request.forceExtract());
        return new AddMemoryResponse(result.messageIds(), JsonMapping.entries(result.stored()), result.llmCalls(),
                result.pendingMessages(), result.deferredReason());
    }

    @Funq("Flush")
    public FlushResponse flush(FlushRequest request) {
        JsonMapping.required(request, "Flush");
        AddResult result = ingestor.flush(request.userId());
        return new FlushResponse(JsonMapping.entries(result.stored()), result.llmCalls(), result.pendingMessages(),
                result.deferredReason());
    }
}
