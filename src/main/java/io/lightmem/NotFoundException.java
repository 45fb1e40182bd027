package io.lightmem;

/** The request names something that does not exist in the caller's scope. */
public final class NotFoundException extends LightMemException {

    public NotFoundException(String message) {
        super(message, null);
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.NOT_FOUND;
    }
}
