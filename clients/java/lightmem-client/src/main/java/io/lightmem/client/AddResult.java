package io.lightmem.client;

import java.util.List;

/**
 * What an add did.
 *
 * @param messageIds ids the service's message log gave the messages, in request order
 * @param memories memories stored by this call (may include ones from earlier, buffered messages)
 * @param llmCalls LLM calls the call made (0 without an LLM)
 * @param pendingMessages messages of the user still waiting for extraction; -1 when unknown
 * @param deferredReason why extraction stopped early (the messages stay buffered and are retried); empty otherwise
 * @param repeatedRequest true when the request id had been accepted before: nothing was accepted again
 */
public record AddResult(List<Long> messageIds, List<Memory> memories, int llmCalls, int pendingMessages,
        String deferredReason, boolean repeatedRequest) {
}
