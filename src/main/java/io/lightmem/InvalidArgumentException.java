package io.lightmem;

/** A request that cannot be served as given; the message names the offending field. */
public class InvalidArgumentException extends RuntimeException {

    private final String field;

    public InvalidArgumentException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
