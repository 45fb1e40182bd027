package io.lightmem.client;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A call the service (or the way to it) refused or could not complete: its gRPC status, the request field
 * at fault for an invalid argument, and whether repeating the call later may succeed.
 */
public class LightMemException extends RuntimeException {

    /** The service names the field first: "messages[1].time_stamp: 'yesterday' is neither ISO-8601 …". */
    private static final Pattern FIELD_PREFIX = Pattern.compile(
            "^([A-Za-z_]\\w*(?:\\[\\d+])?(?:\\.[A-Za-z_]\\w*(?:\\[\\d+])?)*): ");

    private final String operation;
    private final Status.Code code;
    private final String description;
    private final String field;
    private final int attempts;

    LightMemException(String operation, Status.Code code, String description, String field, int attempts,
            Throwable cause) {
        super(operation + " failed: " + code + (description.isEmpty() ? "" : ": " + description)
                + (attempts > 1 ? " (after " + attempts + " attempts)" : ""), cause);
        this.operation = operation;
        this.code = code;
        this.description = description;
        this.field = field;
        this.attempts = attempts;
    }

    /** The failure of a gRPC call, after {@code attempts} attempts. */
    static LightMemException of(String operation, Throwable failure, int attempts) {
        Status status = Status.fromThrowable(failure);
        String description = status.getDescription() == null ? "" : status.getDescription();
        return new LightMemException(operation, status.getCode(), description, field(status, failure), attempts,
                failure);
    }

    private static String field(Status status, Throwable failure) {
        com.google.rpc.Status details = StatusProto.fromThrowable(failure);
        if (details != null) {
            for (com.google.protobuf.Any detail : details.getDetailsList()) {
                if (detail.is(BadRequest.class)) {
                    try {
                        BadRequest badRequest = detail.unpack(BadRequest.class);
                        if (badRequest.getFieldViolationsCount() > 0) {
                            return badRequest.getFieldViolations(0).getField();
                        }
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        // unreadable details: fall back to the message
                    }
                }
            }
        }
        if (status.getCode() == Status.Code.INVALID_ARGUMENT && status.getDescription() != null) {
            Matcher prefix = FIELD_PREFIX.matcher(status.getDescription());
            if (prefix.find()) {
                return prefix.group(1);
            }
        }
        return null;
    }

    /** Whether the status is one the client's retry policy repeats: the cause was transient. */
    static boolean transientStatus(Status.Code code) {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.ABORTED;
    }

    /** The RPC that failed, e.g. "AddMemory". */
    public String operation() {
        return operation;
    }

    public Status.Code code() {
        return code;
    }

    /** The status with the service's description. */
    public Status status() {
        return Status.fromCode(code).withDescription(description);
    }

    /** What the service said, e.g. "user_id: must be 1 to 128 characters of [A-Za-z0-9._:@-], got ''". */
    public String description() {
        return description;
    }

    /** The request field at fault ("user_id", "messages[1].time_stamp"), for an invalid argument. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /**
     * Whether the failure was transient ({@code UNAVAILABLE}, {@code ABORTED}), so the same call may
     * succeed later. The client has already retried it as its {@link RetryPolicy} allows.
     */
    public boolean retryable() {
        return transientStatus(code);
    }

    /** Attempts made before giving up. */
    public int attempts() {
        return attempts;
    }
}
