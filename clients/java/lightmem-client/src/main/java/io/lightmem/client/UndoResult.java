package io.lightmem.client;

/** A memory restored by undoing a change, and the change, now marked undone. */
public record UndoResult(Memory memory, MemoryChange change) {
}
