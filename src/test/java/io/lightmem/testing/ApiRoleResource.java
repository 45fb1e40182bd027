package io.lightmem.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a JVM instance in role models (the packaged jar, target/quarkus-app) and has the artifact
 * under test start in role api with that instance as its model service, on the gRPC test port: the
 * split of the GPU topology, and the only role the native executable serves (it holds no in-process
 * model).
 */
public class ApiRoleResource implements QuarkusTestResourceLifecycleManager {

    private PackagedService models;

    @Override
    public Map<String, String> start() {
        try {
            int port = PackagedService.freePort();
            models = PackagedService.startModels(port, "api-role-models");
            return Map.of(
                    "lightmem.role", "api",
                    "lightmem.models.endpoint", "127.0.0.1:" + port,
                    "quarkus.grpc.server.port", Integer.toString(ServiceClients.grpcPort()));
        } catch (Exception e) {
            throw new IllegalStateException("the models instance did not start", e);
        }
    }

    @Override
    public void stop() {
        if (models != null) {
            try {
                models.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
