package io.lightmem.api.mcp;

import io.lightmem.BusyException;
import io.lightmem.FailedPreconditionException;
import io.lightmem.InvalidArgumentException;
import io.lightmem.NotFoundException;
import io.lightmem.store.StorageException;
import io.quarkiverse.mcp.server.ToolResponse;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Maps service failures to MCP tool errors ({@code isError: true}): the MCP spec puts execution and
 * input errors in the tool result, where the model sees them and can correct its call, not in a
 * JSON-RPC error. Same categories as the gRPC statuses (api.grpc.GrpcErrors).
 */
final class ToolErrors {

    private static final Logger LOG = Logger.getLogger(ToolErrors.class);

    private ToolErrors() {
    }

    /**
     * @param arguments the service's field names that a tool argument stands for (e.g. the
     *        message the service calls {@code messages[0].content} is the tool's {@code user_input}),
     *        so the message names what the agent actually sent
     */
    static ToolResponse toResponse(Throwable failure, Map<String, String> arguments) {
        if (failure instanceof InvalidArgumentException invalid) {
            String field = invalid.field();
            String problem = invalid.getMessage().substring(field.length() + 2);
            for (Map.Entry<String, String> name : arguments.entrySet()) {
                problem = problem.replace(name.getKey(), name.getValue()); // "must be before filter.time_to"
            }
            return ToolResponse.error("Invalid argument " + arguments.getOrDefault(field, field) + ": " + problem
                    + ". Nothing was changed; correct the argument and call again.");
        }
        if (failure instanceof FailedPreconditionException precondition) {
            return ToolResponse.error("Not possible on this instance: " + precondition.getMessage());
        }
        if (failure instanceof NotFoundException notFound) {
            return ToolResponse.error("Not found: " + notFound.getMessage());
        }
        if (failure instanceof BusyException busy) {
            return ToolResponse.error("Busy, retry in a moment: " + busy.getMessage());
        }
        if (failure instanceof StorageException storage && storage.unavailable()) {
            LOG.warn(storage.getMessage());
            return ToolResponse.error("Storage is unavailable, retry later: " + storage.getMessage());
        }
        LOG.error("MCP tool call failed", failure);
        return ToolResponse.error("Internal error: " + failure.getClass().getSimpleName() + ": "
                + failure.getMessage());
    }
}
