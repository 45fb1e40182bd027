package io.lightmem;

/**
 * The request carries no credential, or one the service does not accept; the message says which, never
 * the credential itself. HTTP answers 401 with {@code WWW-Authenticate: Bearer}, gRPC UNAUTHENTICATED.
 */
public final class UnauthenticatedException extends LightMemException {

    public UnauthenticatedException(String message) {
        super(message, null);
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.UNAUTHENTICATED;
    }
}
