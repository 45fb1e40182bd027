package io.lightmem.extract;

import io.lightmem.memory.Owner;
import java.util.List;

/**
 * Turns a batch of logged messages into memories (docs/design.md, "Short-term buffer and extraction"). One
 * implementation per backend:
 * an LLM that extracts facts, or {@code none}, which keeps the messages verbatim.
 */
public interface MemoryManager {

    /** The backend's name as configured: openai, deepseek, vllm, ollama or none. */
    String name();

    /** Whether extraction costs an LLM call, which makes batching messages across adds worthwhile. */
    default boolean callsLlm() {
        return true;
    }

    /**
     * Memories for a batch of topic segments (one extraction call for the whole batch).
     *
     * @throws ExtractionException when the backend fails or keeps answering malformed output;
     *         the batch is then left pending, never dropped
     */
    Extraction extract(Owner owner, List<Segment> batch);
}
