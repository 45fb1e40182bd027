package io.lightmem.api.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.lightmem.ErrorKind;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Lets the gRPC calls in flight finish when the service is asked to stop (SIGTERM from Kubernetes or
 * Knative scaling a pod away), up to {@code quarkus.shutdown.timeout}. Quarkus closes the separate
 * gRPC server at once, which would fail an AddMemory in the middle of its LLM call. Calls that arrive
 * while draining get UNAVAILABLE with a retry hint, which clients retry elsewhere. The HTTP
 * counterpart is {@link io.lightmem.api.funqy.HttpDrain}.
 * Every LightMem call is unary; streams are neither counted nor waited for.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcDrain implements ServerInterceptor {

    private static final Logger LOG = Logger.getLogger(GrpcDrain.class);
    private static final Duration POLL = Duration.ofMillis(25);

    private final Duration timeout;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    public GrpcDrain(@ConfigProperty(name = "quarkus.shutdown.timeout") Optional<Duration> timeout) {
        this.timeout = timeout.orElse(Duration.ZERO);
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        if (draining) {
            call.close(Status.UNAVAILABLE.withDescription("this instance is shutting down; retry the call"),
                    GrpcErrors.retryHint(ErrorKind.UNAVAILABLE.retryAfter()));
            return new ServerCall.Listener<>() {
            };
        }
        if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
            // A stream (e.g. grpc.health.v1.Health/Watch) never ends by itself; it is not waited for.
            return next.startCall(call, headers);
        }
        inFlight.incrementAndGet();
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        ServerCall<Q, A> counted = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    end.run();
                }
            }
        };
        try {
            return new SimpleForwardingServerCallListener<>(next.startCall(counted, headers)) {
                @Override
                public void onCancel() {
                    try {
                        super.onCancel();
                    } finally {
                        end.run();
                    }
                }
            };
        } catch (RuntimeException e) {
            end.run();
            throw e;
        }
    }

    /**
     * The first sign of a shutdown (quarkus.shutdown.delay-enabled makes Quarkus announce it before
     * its HTTP drain): new calls are turned away from here on.
     */
    void refuseNewCalls(@Observes ShutdownDelayInitiatedEvent event) {
        draining = true;
    }

    /** Runs before the gRPC server closes (a high priority observer runs first). */
    void drain(@Observes @Priority(1) ShutdownEvent event) {
        draining = true;
        Instant deadline = Instant.now().plus(timeout);
        if (inFlight.get() > 0) {
            LOG.infof("shutting down: waiting up to %s for %d gRPC calls in flight", timeout, inFlight.get());
        }
        while (inFlight.get() > 0 && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (inFlight.get() > 0) {
            LOG.warnf("shutting down with %d gRPC calls still in flight after %s", inFlight.get(), timeout);
        }
    }
}
