package io.lightmem.segment;

import io.lightmem.compress.CompressionConfig.PreCompressorConfig;
import io.lightmem.model.OnnxSessions;
import io.lightmem.model.SentenceAttention;
import io.lightmem.segment.SegmentationConfig.TopicSegmenterConfig;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Loads the in-process attention source of the topic segmenter: the encoder at
 * {@code lightmem.topic-segmenter.model-path}, or the pre-compressor's model with
 * {@code lightmem.precomp-topic-shared}; none without either (fine boundaries only). A wrong model
 * fails with a message naming the setting.
 */
public final class AttentionFactory {

    private static final Logger LOG = Logger.getLogger(AttentionFactory.class);

    private AttentionFactory() {
    }

    /** The attention source the settings ask for, loaded; empty when no model is configured. */
    public static Optional<SentenceAttention> attention(boolean precompTopicShared, boolean preCompress,
            TopicSegmenterConfig config, PreCompressorConfig preCompressor) {
        Optional<String> model = present(config.modelPath());
        Optional<String> tokenizer = present(config.tokenizerPath());
        String keys = "lightmem.topic-segmenter.model-path / tokenizer-path";
        if (precompTopicShared) {
            if (!preCompress) {
                throw new IllegalStateException("lightmem.precomp-topic-shared=true shares the pre-compressor's model, "
                        + "so it needs lightmem.pre-compress=true");
            }
            if (model.isPresent() || tokenizer.isPresent()) {
                throw new IllegalStateException("lightmem.precomp-topic-shared=true uses the pre-compressor's model; "
                        + "leave lightmem.topic-segmenter.model-path and tokenizer-path unset");
            }
            model = present(preCompressor.modelPath());
            tokenizer = present(preCompressor.tokenizerPath());
            keys = "lightmem.pre-compressor.model-path / tokenizer-path (shared by lightmem.precomp-topic-shared=true)";
        } else if (model.isEmpty()) {
            if (tokenizer.isPresent()) {
                throw new IllegalStateException("lightmem.topic-segmenter.tokenizer-path is set without "
                        + "lightmem.topic-segmenter.model-path");
            }
            LOG.debug("no attention model: topic boundaries from embeddings only");
            return Optional.empty();
        }
        String modelPath = model.orElseThrow(() -> new IllegalStateException(
                "lightmem.pre-compressor.model-path is required with lightmem.precomp-topic-shared=true"));
        String tokenizerPath = tokenizer.orElseThrow(() -> new IllegalStateException(
                (precompTopicShared ? "lightmem.pre-compressor.tokenizer-path" : "lightmem.topic-segmenter.tokenizer-path")
                        + " is required with the attention model " + modelPath));
        OnnxSentenceAttention.Settings settings = new OnnxSentenceAttention.Settings(config.layers(), config.maxWindowTokens());
        try {
            OnnxSentenceAttention attention = new OnnxSentenceAttention(Path.of(modelPath), Path.of(tokenizerPath),
                    OnnxSessions.options(config.executionProvider(), config.deviceId(), config.intraOpThreads()), settings);
            LOG.infof("topic segmenter attention %s loaded on %s", attention, config.executionProvider());
            return Optional.of(attention);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the topic segmenter's attention model (" + keys + "): "
                    + e.getMessage()
                    + (precompTopicShared ? "; with lightmem.precomp-topic-shared=true the pre-compressor model must "
                            + "export attentions as well as logits" : ""), e);
        }
    }

    private static Optional<String> present(Optional<String> value) {
        return value.filter(v -> !v.isBlank());
    }
}
