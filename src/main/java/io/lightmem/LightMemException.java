package io.lightmem;

/**
 * A failure the service expects and reports to its caller as one {@link ErrorKind}, the same over
 * every protocol. Any other exception that reaches a front is a bug and is reported as
 * {@link ErrorKind#INTERNAL}.
 */
public abstract sealed class LightMemException extends RuntimeException
        permits InvalidArgumentException, NotFoundException, FailedPreconditionException, BusyException,
        UnavailableException, StorageException, UnauthenticatedException, PermissionDeniedException,
        RateLimitedException {

    LightMemException(String message, Throwable cause) {
        super(message, cause);
    }

    /** How the failure is reported, and whether retrying may help. */
    public abstract ErrorKind kind();
}
