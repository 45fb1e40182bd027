package io.lightmem.client;

/** What consolidation did to an older memory. */
public enum ConsolidationAction {
    /** Replaced by a statement merging it with newer memories. */
    UPDATE,
    /** Removed: a newer memory contradicts it. */
    DELETE,
    /** Left as it was. */
    IGNORE
}
