package io.lightmem.client;

import java.time.Duration;

/**
 * What building the update queues did (consolidation step 1).
 *
 * @param memories memories whose queue was rebuilt
 * @param queueRows (memory, candidate) rows stored in total
 */
public record UpdateQueueResult(int memories, int queueRows, long runId, Duration elapsed) {
}
