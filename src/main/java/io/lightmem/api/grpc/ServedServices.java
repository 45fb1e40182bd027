package io.lightmem.api.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.lightmem.config.RoleConfig;
import io.lightmem.config.RoleConfig.InstanceRole;
import io.lightmem.model.remote.ModelServiceConfig;
import io.lightmem.v1.AdminServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.ModelServiceGrpc;
import io.lightmem.v1.PortabilityServiceGrpc;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;

/**
 * Turns away, with UNIMPLEMENTED and the reason, the calls of a service this instance's role does
 * not serve: MemoryService, PortabilityService and AdminService in role models (no database
 * there), ModelService in role api (its models are themselves remote) and in role all unless
 * lightmem.models.serve (an internal service stays off the public port). Health and reflection always pass.
 */
@GlobalInterceptor
@ApplicationScoped
public class ServedServices implements ServerInterceptor, Prioritized {

    private final InstanceRole role;
    private final String endpoint;
    private final boolean servesModels;

    public ServedServices(RoleConfig config, ModelServiceConfig models) {
        this.role = config.role();
        this.endpoint = models.endpoint().orElse("(not set)");
        this.servesModels = role == InstanceRole.models || role == InstanceRole.all && models.serve();
    }

    /** After authentication: an unauthenticated caller learns nothing about this instance's role. */
    @Override
    public int getPriority() {
        return GrpcAuthentication.PRIORITY - 1;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        String service = call.getMethodDescriptor().getServiceName();
        String refusal = null;
        if (!role.servesMemory() && (MemoryServiceGrpc.SERVICE_NAME.equals(service)
                || PortabilityServiceGrpc.SERVICE_NAME.equals(service)
                || AdminServiceGrpc.SERVICE_NAME.equals(service))) {
            refusal = "this instance runs lightmem.role=models and serves only " + ModelServiceGrpc.SERVICE_NAME
                    + "; send " + service + " calls to an instance in role api or all";
        } else if (!servesModels && ModelServiceGrpc.SERVICE_NAME.equals(service)) {
            refusal = role == InstanceRole.api
                    ? "this instance runs lightmem.role=api and serves no models; its own model service is at " + endpoint
                    : "this instance (lightmem.role=all) keeps its models to itself; set lightmem.models.serve=true"
                            + " to serve " + ModelServiceGrpc.SERVICE_NAME + " to other instances";
        }
        if (refusal == null) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNIMPLEMENTED.withDescription(refusal), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
