package io.lightmem.api;

import io.lightmem.config.ConfigFileReport;
import io.lightmem.config.LightMemConfigFileSource;
import io.lightmem.config.LlmEnvironment;
import io.lightmem.config.TimeZoneConfig;
import io.lightmem.config.Urls;
import io.lightmem.extract.MemoryManager;
import io.lightmem.memory.SessionTimes;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the instance calls report: the effective value of every {@code lightmem.*} setting on an
 * explicit allow-list of settings that hold no secret, URLs without their user-info (ShowInstance),
 * and the time now as memories carry it (GetTimestamp). A secret is never shown; one taken from a
 * LightMem user's environment variable or configuration file shows only where it came from. A
 * setting on neither list is not shown (InstanceInfoTest makes every new setting choose a list).
 */
@ApplicationScoped
public class InstanceInfo {

    static final String MASK = "****";

    /** Settings that are never shown, whatever their value. */
    static final Set<String> SECRET = Set.of(
            "lightmem.memory-manager.configs.api-key",
            "lightmem.models.api-key",
            "lightmem.auth.bootstrap-key");

    /** Settings shown with their effective value. */
    static final Set<String> SHOWN = Set.of(
            "lightmem.role",
            "lightmem.config-file",
            "lightmem.default-time-zone",
            "lightmem.messages-use",
            "lightmem.pre-compress",
            "lightmem.pre-compressor.model-path",
            "lightmem.pre-compressor.tokenizer-path",
            "lightmem.pre-compressor.rate",
            "lightmem.pre-compressor.force-tokens",
            "lightmem.pre-compressor.execution-provider",
            "lightmem.pre-compressor.device-id",
            "lightmem.pre-compressor.max-window-tokens",
            "lightmem.pre-compressor.batch-size",
            "lightmem.pre-compressor.intra-op-threads",
            "lightmem.topic-segment",
            "lightmem.topic-segmenter.buffer-len",
            "lightmem.topic-segmenter.model-path",
            "lightmem.topic-segmenter.tokenizer-path",
            "lightmem.topic-segmenter.layers",
            "lightmem.topic-segmenter.execution-provider",
            "lightmem.topic-segmenter.device-id",
            "lightmem.topic-segmenter.max-window-tokens",
            "lightmem.topic-segmenter.intra-op-threads",
            "lightmem.precomp-topic-shared",
            "lightmem.extract-threshold",
            "lightmem.metadata-generate",
            "lightmem.text-summary",
            "lightmem.memory-manager.model-name",
            "lightmem.memory-manager.configs.model",
            "lightmem.memory-manager.configs.base-url",
            "lightmem.memory-manager.configs.max-tokens",
            "lightmem.memory-manager.configs.temperature",
            "lightmem.memory-manager.configs.timeout",
            "lightmem.memory-manager.configs.json-response-format",
            "lightmem.memory-manager.max-retries",
            "lightmem.memory-manager.verbatim-speaker",
            "lightmem.memory-manager.read-environment",
            "lightmem.memory-manager.max-batch-messages",
            "lightmem.update",
            "lightmem.consolidation.top-k",
            "lightmem.consolidation.keep-top-n",
            "lightmem.consolidation.score-threshold",
            "lightmem.consolidation.parallelism",
            "lightmem.consolidation.batch-size",
            "lightmem.consolidation.lock-timeout",
            "lightmem.consolidation.schedule.every",
            "lightmem.consolidation.schedule.cron",
            "lightmem.consolidation.schedule.max-users-per-run",
            "lightmem.text-embedder.model",
            "lightmem.text-embedder.passage-prefix",
            "lightmem.text-embedder.pooling",
            "lightmem.text-embedder.query-prefix",
            "lightmem.text-embedder.model-path",
            "lightmem.text-embedder.tokenizer-path",
            "lightmem.text-embedder.dims",
            "lightmem.text-embedder.execution-provider",
            "lightmem.text-embedder.device-id",
            "lightmem.text-embedder.batch-size",
            "lightmem.text-embedder.on-model-change",
            "lightmem.text-embedder.max-length",
            "lightmem.text-embedder.long-texts",
            "lightmem.text-embedder.intra-op-threads",
            "lightmem.embedding-retriever.hnsw-m",
            "lightmem.embedding-retriever.hnsw-ef-construction",
            "lightmem.embedding-retriever.ef-search",
            "lightmem.embedding-retriever.exact-search-max-memories",
            "lightmem.embedding-retriever.query-cache-size",
            "lightmem.embedding-retriever.speaker-boost",
            "lightmem.embedding-retriever.time-boost",
            "lightmem.index-strategy",
            "lightmem.retrieve-strategy",
            "lightmem.context-retriever.k1",
            "lightmem.context-retriever.b",
            "lightmem.context-retriever.max-candidates",
            "lightmem.hybrid-retriever.rrf-k",
            "lightmem.hybrid-retriever.candidates",
            "lightmem.retrieve.default-limit",
            "lightmem.retrieve.max-limit",
            "lightmem.retrieve.max-response-bytes",
            "lightmem.hit-counts.flush-interval",
            "lightmem.hit-counts.max-pending",
            "lightmem.admission.max-concurrent-calls",
            "lightmem.admission.max-queued",
            "lightmem.admission.max-wait",
            "lightmem.models.endpoint",
            "lightmem.models.deadline",
            "lightmem.models.max-attempts",
            "lightmem.models.initial-backoff",
            "lightmem.models.max-backoff",
            "lightmem.models.batch-size",
            "lightmem.models.serve",
            "lightmem.auth.enabled",
            "lightmem.auth.oidc.enabled",
            "lightmem.auth.oidc.tenant-claim",
            "lightmem.auth.oidc.default-tenant",
            "lightmem.auth.oidc.scopes-claim",
            "lightmem.auth.oidc.user-id-claim",
            "lightmem.auth.oidc.user-id-prefix-claim",
            "lightmem.auth.oidc.authorization-server",
            "lightmem.auth.knative.enabled",
            "lightmem.auth.knative.tenant",
            "lightmem.auth.knative.scopes",
            "lightmem.auth.knative.subjects",
            "lightmem.auth.rate-limit.requests-per-second",
            "lightmem.auth.rate-limit.burst",
            "lightmem.auth.mcp.allowed-origins",
            "lightmem.auth.mcp.max-sessions-per-credential");

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
            // A list may be set element by element: name[0], name[1], ...
            String setting = name.replaceFirst("\\[\\d+]$", "");
            if (SHOWN.contains(setting)) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> effective.put(name, Urls.withoutUserInfo(value)));
            } else if (SECRET.contains(setting) && sources.containsKey(name)) {
                effective.put(name, MASK + " (from " + sources.get(name) + ")");
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
