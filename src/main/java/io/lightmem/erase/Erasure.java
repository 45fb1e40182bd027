package io.lightmem.erase;

import io.lightmem.memory.Owner;

/**
 * Memories were erased at a caller's request (fired by {@link MemoryEraser} after the erasure committed).
 *
 * @param wholeUser everything of the user, not chosen memories
 */
public record Erasure(Owner owner, boolean wholeUser, int memories, int messages) {
}
