package io.lightmem;

/** The request is valid but the system is not in a state to serve it; the message says what to do. */
public class FailedPreconditionException extends RuntimeException {

    public FailedPreconditionException(String message) {
        super(message);
    }
}
