package io.lightmem.extract;

import dev.langchain4j.model.openai.OpenAiChatModel;
import io.lightmem.config.LightMemConfig;
import io.lightmem.config.LightMemConfig.Backend;
import io.lightmem.config.LightMemConfig.MemoryManagerConfig;
import io.lightmem.observe.ServiceMetrics;
import io.lightmem.store.UsageRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Chooses the memory manager from {@code lightmem.memory-manager.*}. */
@ApplicationScoped
public class MemoryManagerProducer {

    private static final Logger LOG = Logger.getLogger(MemoryManagerProducer.class);

    /** The backend in effect: the configured one, else openai when an API key or URL is set, else none. */
    public static Backend effectiveBackend(MemoryManagerConfig config) {
        return config.modelName().orElseGet(() -> config.configs().apiKey().filter(k -> !k.isBlank()).isPresent()
                || config.configs().baseUrl().isPresent() ? Backend.openai : Backend.none);
    }

    @Produces
    @Singleton
    MemoryManager memoryManager(LightMemConfig config, LlmClient llm, ServiceMetrics metrics) {
        if (!llm.available()) {
            LOG.info("memory manager: none (messages are stored verbatim; configure lightmem.memory-manager.* for LLM extraction)");
            if (config.metadataGenerate()) {
                LOG.warn("lightmem.metadata-generate needs an LLM; with the none memory manager no metadata is generated");
            }
            return new VerbatimMemoryManager(config.messagesUse(), config.memoryManager().verbatimSpeaker());
        }
        return new LlmMemoryManager(llm, metrics, config.messagesUse(), config.textSummary(), config.metadataGenerate());
    }

    /** The chat LLM of lightmem.memory-manager.*, shared by extraction and consolidation; none without one. */
    @Produces
    @Singleton
    LlmClient llmClient(LightMemConfig config, UsageRepository usage, ServiceMetrics metrics) {
        MemoryManagerConfig manager = config.memoryManager();
        Backend backend = effectiveBackend(manager);
        if (backend == Backend.none) {
            return LlmClient.none();
        }
        MemoryManagerConfig.Configs configs = manager.configs();
        String apiKey = configs.apiKey().filter(k -> !k.isBlank()).orElse(null);
        if (apiKey == null && backend.needsApiKey()) {
            throw new IllegalStateException("lightmem.memory-manager.configs.api-key is required for the " + backend
                    + " memory manager (or set lightmem.memory-manager.model-name=none to run without an LLM)");
        }
        String baseUrl = configs.baseUrl().orElse(backend.defaultBaseUrl());
        String model = configs.model().orElse(backend.defaultModel());
        OpenAiChatModel.OpenAiChatModelBuilder chat = OpenAiChatModel.builder()
                .baseUrl(baseUrl)
                // Local servers (vLLM, Ollama) ignore the key but the client insists on one.
                .apiKey(apiKey == null ? "unused" : apiKey)
                .modelName(model)
                .temperature(configs.temperature())
                .maxTokens(configs.maxTokens())
                .timeout(configs.timeout())
                .maxRetries(manager.maxRetries());
        if (configs.jsonResponseFormat()) {
            chat.responseFormat("json_object");
        }
        LOG.infof("memory manager: %s, model %s at %s", backend, model, baseUrl);
        return new LlmClient(backend.name(), model, chat.build(), usage, metrics, manager.maxRetries());
    }
}
