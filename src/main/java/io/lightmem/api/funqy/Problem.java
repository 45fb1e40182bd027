package io.lightmem.api.funqy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem details body ({@code application/problem+json}), with extension members: the
 * function ({@code operation}), the request field at fault, the gRPC status code name the same failure
 * gets over gRPC, and for CloudEvents the failed event's id, source and type.
 * Registered for reflection: Jackson writes it through accessors a native image would otherwise
 * leave out (nothing declares it as a function's result), so its fields came back missing.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String operation,
        String field,
        String code,
        @JsonProperty("event_id") String eventId,
        @JsonProperty("event_source") String eventSource,
        @JsonProperty("event_type") String eventType) {

    public static final String MEDIA_TYPE = "application/problem+json";

    Problem withEvent(String id, String source, String type) {
        return new Problem(this.type, title, status, detail, operation, field, code, id, source, type);
    }
}
