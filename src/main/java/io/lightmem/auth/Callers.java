package io.lightmem.auth;

import io.lightmem.memory.Owner;
import io.lightmem.memory.UserIds;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one place a front turns the user id a request names into the owner it acts on: the user in
 * the caller's tenant. Every front asks here, with the permission its operation needs, before it
 * touches a user's memories.
 */
@ApplicationScoped
public class Callers {

    /**
     * @throws io.lightmem.InvalidArgumentException when the user id is missing or malformed (field {@code user_id})
     */
    public Owner owner(String userId, Permission permission) {
        return new Owner(Owner.DEFAULT_TENANT, UserIds.require("user_id", userId));
    }
}
