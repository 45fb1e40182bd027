package io.lightmem.api.grpc;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes grpc.health.v1.Health answer an unknown service as the health protocol (and so every
 * official client and Kubernetes' gRPC probe) expects: Check fails with NOT_FOUND, Watch sends
 * SERVICE_UNKNOWN and keeps watching. Quarkus's endpoint answers both with the status UNKNOWN,
 * which reads as "known, state unclear".
 */
@GlobalInterceptor
@ApplicationScoped
public class HealthStatusCodes implements ServerInterceptor {

    /**
     * ServingStatus SERVICE_UNKNOWN of grpc/health/v1/health.proto; the copy of the proto Quarkus
     * compiles predates it, so it goes on the wire by its number.
     */
    static final int SERVICE_UNKNOWN = 3;

    private final GrpcHealthStorage statuses;

    public HealthStatusCodes(GrpcHealthStorage statuses) {
        this.statuses = statuses;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        if (!HealthGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        boolean check = call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY;
        // Callbacks of one call are serialized, but may run on different threads.
        AtomicReference<String> service = new AtomicReference<>("");
        AtomicBoolean unknown = new AtomicBoolean();
        ServerCall<Q, A> answering = new SimpleForwardingServerCall<>(call) {
            @Override
            @SuppressWarnings("unchecked")
            public void sendMessage(A message) {
                if (message instanceof HealthCheckResponse response && response.getStatus() == ServingStatus.UNKNOWN
                        && !statuses.getStatuses().containsKey(service.get())) {
                    if (check) {
                        unknown.set(true); // answered in close
                        return;
                    }
                    message = (A) HealthCheckResponse.newBuilder().setStatusValue(SERVICE_UNKNOWN).build();
                }
                super.sendMessage(message);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                super.close(unknown.get() && status.isOk()
                        ? Status.NOT_FOUND.withDescription("unknown service '" + service.get() + "'") : status, trailers);
            }
        };
        return new SimpleForwardingServerCallListener<>(next.startCall(answering, headers)) {
            @Override
            public void onMessage(Q message) {
                if (message instanceof HealthCheckRequest request) {
                    service.set(request.getService());
                }
                super.onMessage(message);
            }
        };
    }
}
