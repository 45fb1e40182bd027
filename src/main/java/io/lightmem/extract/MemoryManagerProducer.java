package io.lightmem.extract;

import io.lightmem.llm.LlmClient;
import io.lightmem.llm.MemoryManagerConfig;
import io.lightmem.observe.ServiceMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Chooses the memory manager from {@code lightmem.memory-manager.*}. */
@ApplicationScoped
public class MemoryManagerProducer {

    private static final Logger LOG = Logger.getLogger(MemoryManagerProducer.class);

    @Produces
    @Singleton
    MemoryManager memoryManager(ExtractionConfig config, MemoryManagerConfig manager, LlmClient llm,
            ServiceMetrics metrics) {
        if (!llm.available()) {
            LOG.info("memory manager: none (messages are stored verbatim; configure lightmem.memory-manager.* for LLM extraction)");
            if (config.metadataGenerate()) {
                LOG.warn("lightmem.metadata-generate needs an LLM; with the none memory manager no metadata is generated");
            }
            return new VerbatimMemoryManager(config.messagesUse(), manager.verbatimSpeaker());
        }
        return new LlmMemoryManager(llm, metrics, config.messagesUse(), config.textSummary(), config.metadataGenerate());
    }
}
