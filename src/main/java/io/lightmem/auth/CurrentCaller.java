package io.lightmem.auth;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Optional;

/**
 * Where a transport leaves the caller it authenticated, for the code that serves the request to find:
 * gRPC in the call's {@link io.grpc.Context}, HTTP (functions, CloudEvents, MCP) as the request's
 * Quarkus security identity, which Funqy and the MCP server hand on to the code they call.
 */
@ApplicationScoped
public class CurrentCaller {

    /** The caller of a gRPC call, set by its authentication interceptor. */
    public static final io.grpc.Context.Key<Caller> GRPC = io.grpc.Context.key("lightmem.caller");
    private static final String ATTRIBUTE = "lightmem.caller";

    private final Instance<CurrentIdentityAssociation> identities;

    public CurrentCaller(Instance<CurrentIdentityAssociation> identities) {
        this.identities = identities;
    }

    /** The security identity an HTTP request carries for this caller. */
    public static SecurityIdentity identity(Caller caller) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(caller.credentialId()))
                .addAttribute(ATTRIBUTE, caller)
                .build();
    }

    /** The caller of a gRPC call, read on the thread the call was started on (its context's). */
    public static Optional<Caller> ofGrpcCall() {
        return Optional.ofNullable(GRPC.get());
    }

    /** The caller an HTTP request was authenticated as (HttpAuthentication made it the request's user). */
    public static Optional<Caller> of(RoutingContext request) {
        return request.user() instanceof QuarkusHttpUser user
                ? Optional.ofNullable(user.getSecurityIdentity().getAttribute(ATTRIBUTE)) : Optional.empty();
    }

    Optional<Caller> get() {
        Caller caller = GRPC.get();
        if (caller != null) {
            return Optional.of(caller);
        }
        ManagedContext requestContext = Arc.container().requestContext();
        if (!requestContext.isActive() || !identities.isResolvable()) {
            return Optional.empty();
        }
        SecurityIdentity identity = identities.get().getIdentity();
        return identity == null ? Optional.empty() : Optional.ofNullable(identity.getAttribute(ATTRIBUTE));
    }
}
