package io.lightmem.api;

import io.lightmem.config.ConfigFileReport;
import io.lightmem.config.LightMemConfigFileSource;
import io.lightmem.config.LlmEnvironment;
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
import org.eclipse.microprofile.config.ConfigValue;
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

    /**
     * The effective lightmem.* configuration; a secret is masked, with where it came from when that is
     * not a lightmem.* property: "**** (from OPENAI_API_KEY)".
     */
    public Map<String, String> effectiveConfig() {
        Map<String, String> effective = new TreeMap<>();
        Map<String, String> sources = configSources();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("lightmem.")) {
                config.getOptionalValue(name, String.class).ifPresent(value -> effective.put(name,
                        SECRET.matcher(name).matches() && !value.isEmpty() ? masked(sources.get(name)) : value));
            }
        }
        effective.put("lightmem.memory-manager.model-name", memoryManager.name());
        return effective;
    }

    /**
     * Where the values not set as lightmem.* properties come from: an environment variable of a
     * LightMem user ("OPENAI_API_KEY") or a key of the LightMem configuration file ("lightmem.config-file
     * extract_threshold").
     */
    public Map<String, String> configSources() {
        Map<String, String> sources = new TreeMap<>();
        Map<String, String> fileKeys = ConfigFileReport.fileSource(config)
                .map(file -> file.mapping().origins()).orElse(Map.of());
        for (String name : config.getPropertyNames()) {
            if (!name.startsWith("lightmem.")) {
                continue;
            }
            ConfigValue value = config.getConfigValue(name);
            String source = value == null ? null : value.getSourceName();
            if (source == null) {
                continue;
            }
            if (source.startsWith(LlmEnvironment.SOURCE_PREFIX)) {
                sources.put(name, source.substring(LlmEnvironment.SOURCE_PREFIX.length()));
            } else if (source.startsWith(LightMemConfigFileSource.NAME_PREFIX) && fileKeys.containsKey(name)) {
                sources.put(name, "lightmem.config-file " + fileKeys.get(name));
            }
        }
        return sources;
    }

    private static String masked(String source) {
        return source == null ? MASK : MASK + " (from " + source + ")";
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
