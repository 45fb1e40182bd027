package io.lightmem.store;

import java.util.List;

/**
 * How a request's messages were accepted into the message log.
 *
 * @param messageIds their message-log ids, in request order
 * @param fingerprint the fingerprint recorded with the request id, or null without one
 * @param repeated true when the request id had been accepted before and nothing was written now
 */
public record Acceptance(List<Long> messageIds, byte[] fingerprint, boolean repeated) {
}
