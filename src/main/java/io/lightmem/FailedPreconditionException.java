package io.lightmem;

/** The request is valid but the system is not in a state to serve it; the message says what to do. */
public final class FailedPreconditionException extends LightMemException {

    public FailedPreconditionException(String message) {
        super(message, null);
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.FAILED_PRECONDITION;
    }
}
