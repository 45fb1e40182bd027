package io.lightmem.ingest;

import io.lightmem.config.Urls;
import io.lightmem.memory.MemoryEntry;
import java.util.List;

/**
 * The outcome of an add.
 *
 * @param messageIds message-log ids of the accepted messages, in request order
 * @param repeatedRequest the request id had been accepted before: messageIds are that acceptance's
 * @param stored memories stored while serving the add
 * @param llmCalls LLM calls made while serving the add
 * @param pendingMessages messages of the user still waiting for extraction
 * @param deferredReason why processing stopped early, or null
 */
public record AddResult(List<Long> messageIds, boolean repeatedRequest, List<MemoryEntry> stored, int llmCalls, int pendingMessages,
        String deferredReason) {

    public AddResult {
        // The reason quotes failures of the LLM client, which may name its URL.
        deferredReason = Urls.withoutUserInfo(deferredReason);
    }
}
