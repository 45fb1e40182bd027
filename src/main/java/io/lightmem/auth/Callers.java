package io.lightmem.auth;

import io.lightmem.UnauthenticatedException;
import io.lightmem.memory.Owner;
import io.lightmem.memory.UserIds;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The one place a front turns the authenticated caller and the user id a request names into the owner
 * it acts on: that user in the caller's tenant, if the caller's scopes and user id limits allow the
 * operation. Every front asks here, with the permission its operation needs, before it touches
 * anything.
 */
@ApplicationScoped
public class Callers {

    private final CurrentCaller current;
    private final boolean enabled;

    public Callers(CurrentCaller current, AuthConfig config) {
        this.current = current;
        this.enabled = config.enabled();
    }

    /**
     * @throws UnauthenticatedException when the request was not authenticated
     * @throws io.lightmem.PermissionDeniedException when the caller lacks the permission, or may not act for
     *         this user id
     * @throws io.lightmem.InvalidArgumentException when the user id is missing or malformed (field {@code user_id})
     */
    public Owner owner(String userId, Permission permission) {
        return owner(current(), userId, permission);
    }

    /**
     * As {@link #owner(String, Permission)}, for the caller a transport handed over itself, where the
     * work runs away from the request (a plain HTTP route, a gRPC stream served on a worker): empty
     * when the request was not authenticated.
     */
    public Owner owner(Optional<Caller> authenticated, String userId, Permission permission) {
        return owner(enabled ? authenticated.orElseThrow(Callers::unauthenticated) : Caller.UNAUTHENTICATED_DEVELOPMENT,
                userId, permission);
    }

    private static Owner owner(Caller caller, String userId, Permission permission) {
        caller.require(permission);
        String user = UserIds.require("user_id", userId);
        caller.requireUser(user);
        return new Owner(caller.tenantId(), user);
    }

    /** The caller, if it holds the permission. */
    public Caller require(Permission permission) {
        Caller caller = current();
        caller.require(permission);
        return caller;
    }

    /** Whoever sent the request, authenticated, whatever its scopes (for calls about the instance itself). */
    public Caller current() {
        if (!enabled) {
            return Caller.UNAUTHENTICATED_DEVELOPMENT;
        }
        return current.get().orElseThrow(Callers::unauthenticated);
    }

    private static UnauthenticatedException unauthenticated() {
        return new UnauthenticatedException("this request was not authenticated");
    }
}
