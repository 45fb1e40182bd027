package io.lightmem.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * Gives the packaged application of a {@code @QuarkusIntegrationTest} a free gRPC port: it runs in the
 * production profile, whose port (9000) a running service (deploy/local/run.sh) may hold.
 */
public class FreeGrpcPortResource implements QuarkusTestResourceLifecycleManager {

    /** Marks the test's int field that receives the port. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface GrpcPort {
    }

    private int port;

    @Override
    public Map<String, String> start() {
        try {
            port = PackagedService.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.grpc.server.port", Integer.toString(port));
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(port, new TestInjector.AnnotatedAndMatchesType(GrpcPort.class, int.class));
    }

    @Override
    public void stop() {
    }
}
