package io.lightmem.client.testing;

import java.util.UUID;

/** User ids of their own per test, so tests sharing one service and database never see each other's memories. */
public final class Users {

    private Users() {
    }

    public static String fresh(String purpose) {
        return purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
