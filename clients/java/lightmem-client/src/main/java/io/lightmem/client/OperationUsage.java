package io.lightmem.client;

/** LLM calls and tokens spent for a user by one operation ("extract", "update", …). */
public record OperationUsage(String operation, long calls, long promptTokens, long completionTokens,
        long totalTokens) {
}
