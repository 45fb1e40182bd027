package io.lightmem;

/** Another operation holds what this one needs (e.g. a consolidation run of the same user); retry later. */
public final class BusyException extends LightMemException {

    public BusyException(String message) {
        super(message, null);
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.BUSY;
    }
}
