package io.lightmem.model;

import io.lightmem.config.LightMemConfig;
import io.lightmem.config.LightMemConfig.TextEmbedderConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import io.quarkus.runtime.Startup;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Builds the configured embedder once per application. */
@ApplicationScoped
public class EmbedderProducer {

    private static final Logger LOG = Logger.getLogger(EmbedderProducer.class);

    // Loaded at start-up so the first request does not pay for it and readiness means ready.
    @Produces
    @Singleton
    @Startup
    OnnxEmbedder embedder(LightMemConfig config) {
        TextEmbedderConfig settings = config.textEmbedder();
        OnnxEmbedder.ModelFiles files = settings.modelPath()
                .map(model -> OnnxEmbedder.ModelFiles.of(Path.of(model), Path.of(settings.tokenizerPath()
                        .orElseThrow(() -> new IllegalStateException(
                                "lightmem.text-embedder.tokenizer-path is required with lightmem.text-embedder.model-path")))))
                .orElseGet(OnnxEmbedder.ModelFiles::builtIn);
        long started = System.nanoTime();
        OnnxEmbedder embedder = new OnnxEmbedder(files,
                OnnxSessions.options(settings.executionProvider(), settings.deviceId(), settings.intraOpThreads()),
                settings.batchSize(), settings.maxLength());
        if (embedder.dimension() != settings.dims()) {
            embedder.close();
            throw new IllegalStateException("embedding model " + files + " returns " + embedder.dimension()
                    + "-dimensional vectors but lightmem.text-embedder.dims is " + settings.dims());
        }
        LOG.infof("embedding model %s loaded on %s in %d ms (%d dims)", files, settings.executionProvider(),
                (System.nanoTime() - started) / 1_000_000, embedder.dimension());
        return embedder;
    }

    void close(@Disposes OnnxEmbedder embedder) {
        embedder.close();
    }
}
