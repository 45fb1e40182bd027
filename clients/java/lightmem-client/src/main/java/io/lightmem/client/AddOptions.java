package io.lightmem.client;

/**
 * How an add is processed.
 *
 * @param forceSegment close the open topic now (matters only with the service's topic segmentation)
 * @param forceExtract extract everything buffered now instead of waiting for the buffer to fill
 * @param requestId the id that makes retries of this add safe (AIP-155); null lets the client choose a
 *     new one per call, reused by its own retries. Give one when the application itself may repeat the
 *     call, e.g. after a {@code DEADLINE_EXCEEDED}.
 */
public record AddOptions(boolean forceSegment, boolean forceExtract, String requestId) {

    private static final AddOptions DEFAULTS = new AddOptions(false, false, null);

    public static AddOptions defaults() {
        return DEFAULTS;
    }

    public AddOptions forceSegment(boolean force) {
        return new AddOptions(force, forceExtract, requestId);
    }

    public AddOptions forceExtract(boolean force) {
        return new AddOptions(forceSegment, force, requestId);
    }

    public AddOptions requestId(String id) {
        return new AddOptions(forceSegment, forceExtract, id);
    }
}
