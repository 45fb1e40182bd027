package io.lightmem;

/** The request names something that does not exist in the caller's scope. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }
}
