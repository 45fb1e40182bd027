package io.lightmem.client;

import java.util.List;

/** What a flush extracted; fields as in {@link AddResult}. */
public record FlushResult(List<Memory> memories, int llmCalls, int pendingMessages, String deferredReason) {
}
