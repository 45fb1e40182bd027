package io.lightmem.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/** Starts a {@link ScriptedLlmServer} and points the openai memory manager at it. */
public class ScriptedLlmResource implements QuarkusTestResourceLifecycleManager {

    /** Marks the test field that receives the running server. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectLlm {
    }

    private ScriptedLlmServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = new ScriptedLlmServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties(server);
    }

    /** The configuration that points the service at the server. */
    protected Map<String, String> properties(ScriptedLlmServer server) {
        return Map.of(
                "lightmem.memory-manager.model-name", "openai",
                "lightmem.memory-manager.configs.api-key", "sk-test-secret",
                "lightmem.memory-manager.configs.base-url", server.baseUrl(),
                "lightmem.memory-manager.configs.model", "scripted-model",
                "lightmem.memory-manager.max-retries", "2");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectLlm.class, ScriptedLlmServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
