package io.lightmem.api.mcp;

import io.lightmem.InvalidArgumentException;
import io.lightmem.api.ApiError;
import io.quarkiverse.mcp.server.ToolResponse;
import java.util.Map;

/**
 * Maps service failures to MCP tool errors ({@code isError: true}): the MCP spec puts execution and
 * input errors in the tool result, where the model sees them and can correct its call, not in a
 * JSON-RPC error. The failure is classified (and logged) by {@link ApiError}, as for gRPC and HTTP;
 * only the wording is the agent's.
 */
final class ToolErrors {

    private ToolErrors() {
    }

    /**
     * @param arguments the service's field names that a tool argument stands for (e.g. the
     *        message the service calls {@code messages[0].content} is the tool's {@code user_input}),
     *        so the message names what the agent actually sent
     */
    static ToolResponse toResponse(Throwable failure, Map<String, String> arguments) {
        ApiError error = ApiError.of(failure);
        return ToolResponse.error(switch (error.kind()) {
            case INVALID_ARGUMENT -> invalidArgument((InvalidArgumentException) failure, arguments);
            case FAILED_PRECONDITION -> "Not possible on this instance: " + error.message();
            case NOT_FOUND -> "Not found: " + error.message();
            case BUSY -> "Busy, retry in " + error.retryAfterSeconds() + " s: " + error.message();
            case UNAVAILABLE -> Character.toUpperCase(error.message().charAt(0)) + error.message().substring(1)
                    + " (retry in " + error.retryAfterSeconds() + " s)";
            case UNAUTHENTICATED -> "Not authenticated: " + error.message();
            case PERMISSION_DENIED -> "Permission denied: " + error.message() + ". Nothing was changed.";
            case RESOURCE_EXHAUSTED -> "Rate limit exceeded, retry in " + error.retryAfterSeconds() + " s: "
                    + error.message();
            case INTERNAL -> "Internal error: " + error.message();
        });
    }

    private static String invalidArgument(InvalidArgumentException invalid, Map<String, String> arguments) {
        String field = invalid.field();
        String problem = invalid.problem();
        for (Map.Entry<String, String> name : arguments.entrySet()) {
            problem = problem.replace(name.getKey(), name.getValue()); // "must be before filter.time_to"
        }
        return "Invalid argument " + arguments.getOrDefault(field, field) + ": " + problem
                + ". Nothing was changed; correct the argument and call again.";
    }
}
