package io.lightmem;

/**
 * A service this call depends on (the model service of role {@code api}) cannot be reached or did
 * not answer in time, even after retries; nothing was written. Retrying later may succeed.
 */
public final class UnavailableException extends LightMemException {

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.UNAVAILABLE;
    }
}
