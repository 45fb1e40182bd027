package io.lightmem.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The application with its database unreachable (shared, so the tests using it share one start). */
public class DatabaseDownProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        // Port 1 on loopback: nothing listens there, connections are refused at once.
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/lightmem",
                "quarkus.datasource.devservices.enabled", "false");
    }
}
