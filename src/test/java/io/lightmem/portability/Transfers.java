package io.lightmem.portability;

import io.lightmem.v1.ExportMemoriesRequest;
import io.lightmem.v1.ExportMemoriesResponse;
import io.lightmem.v1.ImportMemoriesRequest;
import io.lightmem.v1.ImportMemoriesResponse;
import io.lightmem.v1.MutinyPortabilityServiceGrpc.MutinyPortabilityServiceStub;
import io.lightmem.v1.PortabilityServiceGrpc.PortabilityServiceBlockingStub;
import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Export and import over gRPC, whole: what the portability tests do to a user. */
final class Transfers {

    private Transfers() {
    }

    static List<ExportMemoriesResponse> exportAll(PortabilityServiceBlockingStub export, String userId,
            boolean withVectors) {
        List<ExportMemoriesResponse> exported = new ArrayList<>();
        export.exportMemories(ExportMemoriesRequest.newBuilder().setUserId(userId).setIncludeEmbeddings(withVectors)
                .build()).forEachRemaining(exported::add);
        return exported;
    }

    /** Imports the export into the user: the first message names the user, the others leave it out. */
    static ImportMemoriesResponse importAll(MutinyPortabilityServiceStub portability, String userId,
            List<ExportMemoriesResponse> exported) {
        List<ImportMemoriesRequest> requests = new ArrayList<>();
        for (ExportMemoriesResponse line : exported) {
            requests.add(ImportMemoriesRequest.newBuilder().setUserId(requests.isEmpty() ? userId : "")
                    .setMemory(line.getMemory()).build());
        }
        // Embedding a whole conversation on a busy 2-core machine takes a while.
        return portability.importMemories(Multi.createFrom().iterable(requests)).await().atMost(Duration.ofMinutes(5));
    }
}
