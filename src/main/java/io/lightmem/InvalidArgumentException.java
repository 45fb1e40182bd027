package io.lightmem;

/** A request that cannot be served as given: the field at fault and what is wrong with it. */
public final class InvalidArgumentException extends LightMemException {

    private final String field;
    private final String problem;

    public InvalidArgumentException(String field, String problem) {
        super(field + ": " + problem, null);
        this.field = field;
        this.problem = problem;
    }

    /** The request field at fault, e.g. {@code messages[1].time_stamp}. */
    public String field() {
        return field;
    }

    /** What is wrong with it, without the field's name. */
    public String problem() {
        return problem;
    }

    @Override
    public ErrorKind kind() {
        return ErrorKind.INVALID_ARGUMENT;
    }
}
