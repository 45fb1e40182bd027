package io.lightmem.api;

import io.lightmem.config.TimeZoneConfig;
import io.lightmem.extract.MemoryManager;
import io.lightmem.memory.SessionTimes;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the instance calls report: the effective {@code lightmem.*} configuration, secrets masked
 * (ShowInstance), and the time now as memories carry it (GetTimestamp).
 */
@ApplicationScoped
public class InstanceInfo {

    static final String MASK = "****";
    private static final Pattern SECRET = Pattern.compile("(?i).*(api-key|password|secret|token)$");

    private final Config config;
    private final MemoryManager memoryManager;
    private final String version;
    private final TimeZoneConfig timeZone;
    private final Clock clock = Clock.systemUTC();

    public InstanceInfo(Config config, MemoryManager memoryManager,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version,
            TimeZoneConfig timeZone) {
        this.timeZone = timeZone;
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

    /** Now, in lightmem.default-time-zone. */
    public OffsetDateTime now() {
        return SessionTimes.now(clock, timeZone.defaultTimeZone());
    }
}
