package io.lightmem.api.grpc;

import io.lightmem.InvalidArgumentException;
import io.lightmem.auth.Caller;
import io.lightmem.auth.Callers;
import io.lightmem.auth.CurrentCaller;
import io.lightmem.auth.Permission;
import io.lightmem.memory.Owner;
import io.lightmem.portability.MemoryExporter;
import io.lightmem.portability.MemoryImporter;
import io.lightmem.v1.ExportMemoriesRequest;
import io.lightmem.v1.ExportMemoriesResponse;
import io.lightmem.v1.ImportMemoriesRequest;
import io.lightmem.v1.ImportMemoriesResponse;
import io.lightmem.v1.PortabilityService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** gRPC front of export and import (docs/design.md, "Export and import"); the work is in io.lightmem.portability. */
@GrpcService
@Blocking
public class PortabilityGrpcService implements PortabilityService {

    private final MemoryExporter exporter;
    private final MemoryImporter importer;
    private final Callers callers;

    public PortabilityGrpcService(MemoryExporter exporter, MemoryImporter importer, Callers callers) {
        this.exporter = exporter;
        this.importer = importer;
        this.callers = callers;
    }

    @Override
    public Multi<ExportMemoriesResponse> exportMemories(ExportMemoriesRequest request) {
        // Read here, in the call's context: the stream is served on another thread.
        Optional<Caller> caller = CurrentCaller.ofGrpcCall();
        return Multi.createFrom().<ExportMemoriesResponse>deferred(() -> {
            Owner owner = callers.owner(caller, request.getUserId(), Permission.MEMORIES_READ);
            MemoryExporter.Export export = exporter.export(owner, request.getIncludeEmbeddings());
            return Multi.createFrom().iterable(() -> export.memories())
                    .map(memory -> PortabilityMapping.response(memory, export.embeddingModel()));
        })
                // Pages are read from the database as the stream is consumed: never on an event loop.
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<ImportMemoriesResponse> importMemories(Multi<ImportMemoriesRequest> requests) {
        // Read here, in the call's context: the messages are imported on another thread.
        Optional<Caller> caller = CurrentCaller.ofGrpcCall();
        // One more than allowed tells an import that is too large without reading all of it.
        return requests.select().first(MemoryImporter.MAX_MEMORIES + 1).collect().asList()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(all -> importAll(caller, all))
                .onFailure().transform(GrpcErrors::toStatus);
    }

    private ImportMemoriesResponse importAll(Optional<Caller> caller, List<ImportMemoriesRequest> requests) {
        if (requests.isEmpty() || requests.get(0).getUserId().isEmpty()) {
            throw new InvalidArgumentException("user_id", "required in the first message");
        }
        String userId = requests.get(0).getUserId();
        Owner owner = callers.owner(caller, userId, Permission.MEMORIES_WRITE);
        List<MemoryImporter.Incoming> incoming = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            ImportMemoriesRequest request = requests.get(i);
            if (!request.getUserId().isEmpty() && !request.getUserId().equals(userId)) {
                throw new InvalidArgumentException("user_id", "message " + i + " names '" + request.getUserId()
                        + "', the first named '" + userId + "'; one import is for one user");
            }
            if (!request.hasMemory()) {
                throw new InvalidArgumentException("memories[" + i + "]", "required: each message carries one memory");
            }
            incoming.add(PortabilityMapping.incoming(request.getMemory(), i));
        }
        MemoryImporter.Imported imported = importer.importMemories(owner, incoming);
        return ImportMemoriesResponse.newBuilder()
                .setImportedMemories(imported.importedMemories())
                .setExistingMemories(imported.existingMemories())
                .setEmbeddedVectors(imported.embeddedVectors())
                .setImportedChanges(imported.importedChanges())
                .setRenamedMemories(imported.renamedMemories())
                .build();
    }
}
