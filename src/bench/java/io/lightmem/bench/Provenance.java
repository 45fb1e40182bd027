package io.lightmem.bench;

import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.RetrievedMemory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps the service's message-log ids back to benchmark turn ids. AddMemory returns one log id per
 * message in the order sent, and every memory's {@code sources} holds the log ids it came from, so
 * recording the order of the messages is enough to trace a retrieved memory to its turns.
 */
final class Provenance {

    private final Map<String, List<String>> turnsByMessageId = new HashMap<>();

    /** @param turnIds per message sent, in the order sent: the benchmark ids it stands for */
    void record(AddMemoryResponse response, List<List<String>> turnIds) {
        if (response.getPendingMessages() != 0 || response.getMessageIdsCount() != turnIds.size()) {
            throw new IllegalStateException("ingest incomplete: " + response.getDeferredReason());
        }
        for (int i = 0; i < turnIds.size(); i++) {
            turnsByMessageId.put(Long.toString(response.getMessageIds(i)), turnIds.get(i));
        }
    }

    /** The benchmark turn ids a retrieved memory came from (empty for sources not recorded here). */
    Set<String> turns(RetrievedMemory memory) {
        Set<String> turns = new HashSet<>();
        memory.getEntry().getSourcesList().forEach(s -> turns.addAll(turnsByMessageId.getOrDefault(s, List.of())));
        return turns;
    }
}
