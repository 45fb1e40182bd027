package io.lightmem.api.funqy;

import io.quarkus.funqy.runtime.FunctionInvoker;
import io.quarkus.funqy.runtime.FunctionRecorder;
import jakarta.inject.Singleton;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The functions Funqy serves, with their CloudEvent types as configured (quarkus.funqy.knative-events
 * .mapping.*), read from Funqy's own registry so the error handling sees exactly what Funqy routes.
 */
@Singleton
public class FunctionCatalog {

    private static final String MAPPING = "quarkus.funqy.knative-events.mapping.";

    /**
     * @param inputType the request type, null for a function without input
     * @param trigger the event type that invokes it (Funqy also accepts the bare function name)
     * @param responseSource ce-source of its replies, also used for its error events
     */
    public record Function(String name, Type inputType, String trigger, String responseType, String responseSource) {
    }

    private final Map<String, Function> byName = new HashMap<>();
    private final Map<String, Function> byEventType = new HashMap<>();

    public FunctionCatalog(Config config) {
        for (FunctionInvoker invoker : FunctionRecorder.registry.invokers()) {
            String name = invoker.getName();
            Function function = new Function(name, invoker.getInputType(),
                    setting(config, name, "trigger", name),
                    setting(config, name, "response-type", name + ".output"),
                    setting(config, name, "response-source", name));
            byName.put(name, function);
            byEventType.put(name, function);
            byEventType.put(function.trigger(), function);
        }
    }

    private static String setting(Config config, String function, String key, String fallback) {
        return config.getOptionalValue(MAPPING + function + "." + key, String.class).orElse(fallback);
    }

    public Collection<Function> all() {
        return List.copyOf(byName.values());
    }

    public Optional<Function> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<Function> byEventType(String type) {
        return type == null ? Optional.empty() : Optional.ofNullable(byEventType.get(type));
    }
}
