package io.lightmem.ingest;

/** Who sent a message. */
public enum Role {
    user, assistant
}
