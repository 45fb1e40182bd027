package io.lightmem.client;

/** Who sent a message. */
public enum Role {
    USER,
    ASSISTANT
}
