package io.lightmem.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/**
 * Has the artifact under test start in role api on the gRPC test port, its model service a JVM
 * instance in role models (the packaged jar, target/quarkus-app): the split of the GPU topology,
 * and the only role the native executable serves (it holds no in-process model).
 * <p>
 * One models instance serves the whole test run, stopped when the test JVM exits: the artifact
 * restarts whenever a test class's profile differs from the one before, and a JVM loading its
 * models takes 10-40 s on these machines where the executable takes one.
 */
public class ApiRoleResource implements QuarkusTestResourceLifecycleManager {

    /** The models instance's bootstrap key, which the artifact presents to it. */
    private static final String MODELS_KEY = "api-role-models-" + UUID.randomUUID();
    private static PackagedService models;
    private static int modelsPort;

    @Override
    public Map<String, String> start() {
        return Map.of(
                "lightmem.role", "api",
                "lightmem.models.endpoint", "127.0.0.1:" + modelsPort(),
                "lightmem.models.api-key", MODELS_KEY,
                // Authentication stays on, as in production: the tests' clients present this key.
                "lightmem.auth.bootstrap-key", ServiceClients.API_KEY,
                "quarkus.grpc.server.port", Integer.toString(ServiceClients.grpcPort()));
    }

    @Override
    public void stop() {
        // The models instance outlives this start of the artifact; see the class comment.
    }

    private static synchronized int modelsPort() {
        if (models == null) {
            try {
                modelsPort = PackagedService.freePort();
                models = PackagedService.startModels(modelsPort, MODELS_KEY, "api-role-models");
            } catch (Exception e) {
                throw new IllegalStateException("the models instance did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(ApiRoleResource::stopModels));
        }
        return modelsPort;
    }

    private static synchronized void stopModels() {
        try {
            models.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
