package io.lightmem;

/** Another operation holds what this one needs (e.g. a consolidation run of the same user); retry later. */
public class BusyException extends RuntimeException {

    public BusyException(String message) {
        super(message);
    }
}
