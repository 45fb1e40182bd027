package io.lightmem.api.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.lightmem.config.RoleConfig;
import io.lightmem.config.RoleConfig.InstanceRole;
import io.lightmem.model.remote.ModelServiceConfig;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.ModelServiceGrpc;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns away, with UNIMPLEMENTED and the reason, the calls of a service this instance's role does
 * not serve: MemoryService in role models (no database there), ModelService in role api (its
 * models are themselves remote). Health and reflection always pass.
 */
@GlobalInterceptor
@ApplicationScoped
public class ServedServices implements ServerInterceptor {

    private final InstanceRole role;
    private final String endpoint;

    public ServedServices(RoleConfig config, ModelServiceConfig models) {
        this.role = config.role();
        this.endpoint = models.endpoint().orElse("(not set)");
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        String service = call.getMethodDescriptor().getServiceName();
        String refusal = null;
        if (!role.servesMemory() && MemoryServiceGrpc.SERVICE_NAME.equals(service)) {
            refusal = "this instance runs lightmem.role=models and serves only " + ModelServiceGrpc.SERVICE_NAME
                    + "; send " + service + " calls to an instance in role api or all";
        } else if (!role.servesModels() && ModelServiceGrpc.SERVICE_NAME.equals(service)) {
            refusal = "this instance runs lightmem.role=api and serves no models; its own model service is at "
                    + endpoint;
        }
        if (refusal == null) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNIMPLEMENTED.withDescription(refusal), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
