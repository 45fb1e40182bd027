package io.lightmem.memory;

/** LLM calls and tokens a user's requests spent on one operation (extract, update). */
public record UsageTotals(String operation, long calls, long promptTokens, long completionTokens, long totalTokens) {
}
