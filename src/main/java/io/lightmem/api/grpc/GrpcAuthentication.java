package io.lightmem.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.lightmem.api.ApiError;
import io.lightmem.auth.Authenticator;
import io.lightmem.auth.Caller;
import io.lightmem.auth.CurrentCaller;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableContext;
import io.quarkus.arc.ManagedContext;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Authenticates every gRPC call but health checks before any of it runs: MemoryService,
 * AdminService, ModelService and reflection alike. The credential is checked on a worker thread (it
 * may need the database or the issuer's keys) while the call's messages wait; a call without an
 * accepted credential is closed with UNAUTHENTICATED (or RESOURCE_EXHAUSTED past its rate) and never
 * reaches a service. An accepted caller travels in the call's {@link Context} to
 * {@link io.lightmem.auth.Callers}, which decides what it may do.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcAuthentication implements ServerInterceptor, Prioritized {

    /** grpc.health.v1.Health: probes need no credential, and it says nothing about users. */
    static final String HEALTH = "grpc.health.v1.Health";
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Authenticator authenticator;

    public GrpcAuthentication(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /**
     * Inside the drain (priority 0), so a call being authenticated at SIGTERM counts as in flight;
     * before the role checks ({@link ServedServices}), which say nothing to an unknown caller.
     */
    static final int PRIORITY = -10;

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        if (!authenticator.enabled() || HEALTH.equals(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String authorization = headers.get(AUTHORIZATION);
        // The call's own context (its deadline and cancellation), which the caller is added to later.
        Context callContext = Context.current();
        io.vertx.core.Context eventLoop = io.vertx.core.Vertx.currentContext();
        if (eventLoop == null) {
            // Not on Vert.x (never with Quarkus's gRPC server): check in this thread.
            ServerCall.Listener<Q> listener = admitted(call, headers, next, admit(authorization), callContext, null);
            return listener == null ? new ServerCall.Listener<>() {
            } : listener;
        }
        ManagedContext requestContext = Arc.container().requestContext();
        InjectableContext.ContextState requestState = requestContext.isActive() ? requestContext.getState() : null;
        Pending<Q> pending = new Pending<>();
        eventLoop.<Outcome>executeBlocking(() -> admit(authorization), false).onComplete(result -> {
            Outcome outcome = result.succeeded() ? result.result() : new Outcome(null, ApiError.of(result.cause()));
            pending.start(admitted(call, headers, next, outcome, callContext, requestState));
        });
        return pending;
    }

    private record Outcome(Caller caller, ApiError refusal) {
    }

    private Outcome admit(String authorization) {
        try {
            return new Outcome(authenticator.admit(authorization), null);
        } catch (RuntimeException e) {
            return new Outcome(null, ApiError.of(e));
        }
    }

    /** Starts the call as the caller, or closes it with the refusal; null when there is nothing to deliver to. */
    private static <Q, A> ServerCall.Listener<Q> admitted(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next, Outcome outcome, Context callContext,
            InjectableContext.ContextState requestState) {
        if (outcome.refusal() != null) {
            if (!call.isCancelled()) {
                call.close(GrpcErrors.status(outcome.refusal()), GrpcErrors.trailers(outcome.refusal()));
            }
            return null;
        }
        Context context = callContext.withValue(CurrentCaller.GRPC, outcome.caller());
        ManagedContext requestContext = Arc.container().requestContext();
        boolean activated = requestState != null && !requestContext.isActive();
        if (activated) {
            // Started later than Quarkus's request context interceptor expects: in the context it made for the call.
            requestContext.activate(requestState);
        }
        try {
            return Contexts.interceptCall(context, call, headers, next);
        } finally {
            if (activated) {
                requestContext.deactivate();
            }
        }
    }

    /**
     * Holds the call's events until the credential is checked, then hands them on in order; drops them
     * when the call was refused. Events and the start arrive on the call's event loop.
     */
    private static final class Pending<Q> extends ServerCall.Listener<Q> {
        private final Queue<Consumer<ServerCall.Listener<Q>>> events = new ArrayDeque<>();
        private boolean started;
        private ServerCall.Listener<Q> delegate;

        synchronized void start(ServerCall.Listener<Q> listener) {
            started = true;
            delegate = listener;
            if (listener != null) {
                for (Consumer<ServerCall.Listener<Q>> event; (event = events.poll()) != null;) {
                    event.accept(listener);
                }
            }
            events.clear();
        }

        private synchronized void deliver(Consumer<ServerCall.Listener<Q>> event) {
            if (!started) {
                events.add(event);
            } else if (delegate != null) {
                event.accept(delegate);
            }
        }

        @Override
        public void onMessage(Q message) {
            deliver(listener -> listener.onMessage(message));
        }

        @Override
        public void onHalfClose() {
            deliver(ServerCall.Listener::onHalfClose);
        }

        @Override
        public void onCancel() {
            deliver(ServerCall.Listener::onCancel);
        }

        @Override
        public void onComplete() {
            deliver(ServerCall.Listener::onComplete);
        }

        @Override
        public void onReady() {
            deliver(ServerCall.Listener::onReady);
        }
    }
}
