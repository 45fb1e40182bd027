package io.lightmem.client;

/**
 * What a deletion removed.
 *
 * @param deletedMessages message-log rows removed (only when erasing a user)
 */
public record DeleteResult(int deletedMemories, int deletedMessages) {
}
