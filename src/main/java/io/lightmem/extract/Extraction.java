package io.lightmem.extract;

import io.lightmem.memory.NewMemory;
import java.util.List;

/**
 * What one batch produced.
 *
 * @param llmCalls calls made, retries included
 * @param clampedSourceIds facts whose source_id pointed outside the batch and was clamped
 */
public record Extraction(List<NewMemory> memories, int llmCalls, int clampedSourceIds) {
}
