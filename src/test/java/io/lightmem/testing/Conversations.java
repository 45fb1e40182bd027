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

    /** Five unrelated facts of one user, a day apart, with a request id: five memories and five messages. */
    public static AddMemoryRequest fiveFacts(String userId) {
        return add(userId,
                user("I run every morning.", "2024-01-01T07:00:00"),
                user("My sister lives in Porto.", "2024-01-02T07:00:00"),
                user("I am learning the cello.", "2024-01-03T07:00:00"),
                user("I bought a red bicycle.", "2024-01-04T07:00:00"),
                user("I work night shifts.", "2024-01-05T07:00:00")).toBuilder().setRequestId("five-memories").build();
    }
}
