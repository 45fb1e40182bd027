package io.lightmem.model;

import io.lightmem.compress.CompressionConfig;
import io.lightmem.compress.Compressor;
import io.lightmem.compress.CompressorFactory;
import io.lightmem.segment.AttentionFactory;
import io.lightmem.segment.SegmentationConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The models in this process, on ONNX Runtime: the embedder (also the token counter), the
 * pre-compressor when {@code lightmem.pre-compress=true} and the topic segmenter's attention when
 * one is configured. All are loaded when this bean is created, at start-up of roles {@code all}
 * and {@code models}, so the first request does not pay for it and a wrong setting stops the
 * application with its name. Never created in role {@code api}.
 */
@InProcess
@Singleton
public class OnnxModels implements Models {

    private static final Logger LOG = Logger.getLogger(OnnxModels.class);

    private final OnnxEmbedder embedder;
    private final Compressor compressor;
    private final Optional<SentenceAttention> attention;

    public OnnxModels(TextEmbedderConfig embedding, CompressionConfig compression, SegmentationConfig segmentation) {
        this.embedder = embedder(embedding);
        try {
            this.compressor = CompressorFactory.create(compression.preCompress(), compression.preCompressor());
            try {
                this.attention = AttentionFactory.attention(segmentation.precompTopicShared(), compression.preCompress(),
                        segmentation.topicSegmenter(), compression.preCompressor());
            } catch (RuntimeException e) {
                closeQuietly(compressor);
                throw e;
            }
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
    }

    private static OnnxEmbedder embedder(TextEmbedderConfig settings) {
        OnnxEmbedder.ModelFiles files = settings.modelPath()
                .map(model -> OnnxEmbedder.ModelFiles.of(Path.of(model), Path.of(settings.tokenizerPath()
                        .orElseThrow(() -> new IllegalStateException(
                                "lightmem.text-embedder.tokenizer-path is required with lightmem.text-embedder.model-path")))))
                .orElseGet(() -> OnnxEmbedder.ModelFiles.builtIn(settings.model()));
        OnnxEmbedder.Style style = settings.modelPath().isPresent()
                ? new OnnxEmbedder.Style(settings.pooling(), settings.queryPrefix().orElse(""),
                        settings.passagePrefix().orElse(""))
                : OnnxEmbedder.Style.of(settings.model());
        long started = System.nanoTime();
        OnnxEmbedder embedder = new OnnxEmbedder(files, style,
                OnnxSessions.options(settings.executionProvider(), settings.deviceId(), settings.intraOpThreads()),
                settings.batchSize(), settings.maxLength(), settings.longTexts());
        if (embedder.dimension() != settings.dims()) {
            embedder.close();
            throw new IllegalStateException("embedding model " + files + " returns " + embedder.dimension()
                    + "-dimensional vectors but lightmem.text-embedder.dims is " + settings.dims());
        }
        LOG.infof("embedding model %s loaded on %s in %d ms (%d dims)", embedder.modelId(),
                settings.executionProvider(), (System.nanoTime() - started) / 1_000_000, embedder.dimension());
        return embedder;
    }

    @Override
    public Embedder embedder() {
        return embedder;
    }

    @Override
    public TokenCounter tokenCounter() {
        return embedder;
    }

    @Override
    public Compressor compressor() {
        return compressor;
    }

    @Override
    public Optional<SentenceAttention> attention() {
        return attention;
    }

    @Override
    public Availability availability() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("models", "in process");
        data.put("embedding.model", embedder.modelId());
        data.put("embedding.dims", embedder.dimension());
        data.put("compression", compressor.toString());
        data.put("attention", attention.map(Object::toString).orElse("none"));
        return new Availability(true, data);
    }

    @PreDestroy
    void close() {
        attention.ifPresent(OnnxModels::closeQuietly);
        closeQuietly(compressor);
        embedder.close();
    }

    private static void closeQuietly(Object model) {
        if (model instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing " + model, e);
            }
        }
    }
}
