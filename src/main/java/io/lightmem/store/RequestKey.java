package io.lightmem.store;

/**
 * A caller's id for one AddMemory request, with a fingerprint of its messages.
 *
 * @param requestId unique per user among the requests the caller means to be different
 * @param fingerprint SHA-256 of the request's messages
 */
public record RequestKey(String requestId, byte[] fingerprint) {
}
