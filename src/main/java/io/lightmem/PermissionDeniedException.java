package io.lightmem;

/** A valid credential asked for something outside its rights (a scope it lacks, a user id outside its prefix). */
public final class PermissionDeniedException extends LightMemException {

    public PermissionDeniedException(String message) {
        super(message, null);
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.PERMISSION_DENIED;
    }
}
