package io.lightmem.llm;

import dev.langchain4j.model.openai.OpenAiChatModel;
import io.lightmem.config.Urls;
import io.lightmem.llm.MemoryManagerConfig.Backend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Builds the chat LLM of {@code lightmem.memory-manager.*} (OpenAI-compatible API), or none. */
@ApplicationScoped
public class LlmClientProducer {

    private static final Logger LOG = Logger.getLogger(LlmClientProducer.class);

    /** The backend in effect: the configured one, else openai when an API key or URL is set, else none. */
    public static Backend effectiveBackend(MemoryManagerConfig config) {
        return config.modelName().orElseGet(() -> config.configs().apiKey().filter(k -> !k.isBlank()).isPresent()
                || config.configs().baseUrl().isPresent() ? Backend.openai : Backend.none);
    }

    /** The chat LLM of lightmem.memory-manager.*, shared by extraction and consolidation; none without one. */
    @Produces
    @Singleton
    LlmClient llmClient(MemoryManagerConfig manager, LlmUsage usage) {
        Backend backend = effectiveBackend(manager);
        if (backend == Backend.none) {
            return LlmClient.none();
        }
        MemoryManagerConfig.Configs configs = manager.configs();
        String apiKey = configs.apiKey().filter(k -> !k.isBlank()).orElse(null);
        if (apiKey == null && backend.needsApiKey()) {
            throw new IllegalStateException("lightmem.memory-manager.configs.api-key (or " + backend.name()
                    .toUpperCase(java.util.Locale.ROOT) + "_API_KEY) is required for the " + backend
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
        LOG.infof("memory manager: %s, model %s at %s", backend, model, Urls.withoutUserInfo(baseUrl));
        return new LlmClient(backend.name(), model, chat.build(), usage, manager.maxRetries());
    }
}
