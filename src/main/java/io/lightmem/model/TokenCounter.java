package io.lightmem.model;

/** Counts tokens the way the buffers budget them (SPEC 1.3, 1.4). */
public interface TokenCounter {

    int countTokens(String text);
}
