package io.lightmem.api;

import io.lightmem.extract.MemoryManager;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** What ShowInstance reports: the effective {@code lightmem.*} configuration, secrets masked. */
@ApplicationScoped
public class InstanceInfo {

    static final String MASK = "****";
    private static final Pattern SECRET = Pattern.compile("(?i).*(api-key|password|secret|token)$");

    private final Config config;
    private final MemoryManager memoryManager;
    private final String version;

    public InstanceInfo(Config config, MemoryManager memoryManager,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.config = config;
        this.memoryManager = memoryManager;
        this.version = version;
    }

    public Map<String, String> effectiveConfig() {
        Map<String, String> effective = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("lightmem.")) {
                config.getOptionalValue(name, String.class).ifPresent(value -> effective.put(name,
                        SECRET.matcher(name).matches() && !value.isEmpty() ? MASK : value));
            }
        }
        effective.put("lightmem.memory-manager.model-name", memoryManager.name());
        return effective;
    }

    public String memoryManager() {
        return memoryManager.name();
    }

    public String version() {
        return version;
    }
}
