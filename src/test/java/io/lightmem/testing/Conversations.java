package io.lightmem.testing;

import io.lightmem.memory.Owner;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.Message;
import io.lightmem.v1.Role;
import java.util.UUID;

/** Builders that keep the tests about behaviour rather than protobuf plumbing. */
public final class Conversations {

    private Conversations() {
    }

    /** A fresh tenant for each test, so tests sharing one database never see each other's rows. */
    public static String newUser() {
        return "test-" + UUID.randomUUID();
    }

    /** The user in the tenant of a service run without credentials (the tests' default). */
    public static Owner owner(String userId) {
        return new Owner(Owner.DEFAULT_TENANT, userId);
    }

    public static Message user(String content, String timeStamp) {
        return Message.newBuilder().setRole(Role.ROLE_USER).setContent(content).setTimeStamp(timeStamp).build();
    }

    public static Message assistant(String content, String timeStamp) {
        return Message.newBuilder().setRole(Role.ROLE_ASSISTANT).setContent(content).setTimeStamp(timeStamp).build();
    }

    public static AddMemoryRequest add(String userId, Message... messages) {
        return AddMemoryRequest.newBuilder().setUserId(userId).addAllMessages(java.util.List.of(messages)).build();
    }
}
