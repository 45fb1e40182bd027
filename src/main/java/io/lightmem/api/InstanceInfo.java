package io.lightmem.api;

import io.lightmem.config.Urls;
import io.lightmem.extract.MemoryManager;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What ShowInstance reports: the effective value of every {@code lightmem.*} setting on an explicit
 * allow-list of settings that hold no secret, URLs without their user-info. A setting on neither
 * list is not shown (InstanceInfoTest makes every new setting choose a list).
 */
@ApplicationScoped
public class InstanceInfo {

    /** Settings that are never shown, whatever their value. */
    static final Set<String> SECRET = Set.of(
            "lightmem.memory-manager.configs.api-key",
            "lightmem.models.api-key",
            "lightmem.auth.bootstrap-key");

    /** Settings shown with their effective value. */
    static final Set<String> SHOWN = Set.of(
            "lightmem.role",
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
            "lightmem.text-embedder.model-path",
            "lightmem.text-embedder.tokenizer-path",
            "lightmem.text-embedder.dims",
            "lightmem.text-embedder.execution-provider",
            "lightmem.text-embedder.device-id",
            "lightmem.text-embedder.batch-size",
            "lightmem.text-embedder.max-length",
            "lightmem.text-embedder.intra-op-threads",
            "lightmem.embedding-retriever.hnsw-m",
            "lightmem.embedding-retriever.hnsw-ef-construction",
            "lightmem.embedding-retriever.ef-search",
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

    public InstanceInfo(Config config, MemoryManager memoryManager,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.config = config;
        this.memoryManager = memoryManager;
        this.version = version;
    }

    public Map<String, String> effectiveConfig() {
        Map<String, String> effective = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            // A list may be set element by element: name[0], name[1], ...
            if (SHOWN.contains(name.replaceFirst("\\[\\d+]$", ""))) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> effective.put(name, Urls.withoutUserInfo(value)));
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
