package io.lightmem.segment;

import io.lightmem.config.OnnxRuntimeOptions;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.Optional;

/**
 * {@code lightmem.topic-segment}, {@code lightmem.topic-segmenter.*}: topic segmentation (docs/design.md, "Topic
 * segmentation").
 */
@ConfigMapping(prefix = "lightmem")
public interface SegmentationConfig {

    /**
     * Cut buffered messages into topic segments (docs/design.md, "Topic segmentation") instead of treating each add
     * as one
     * segment.
     */
    @WithDefault("false")
    boolean topicSegment();

    TopicSegmenterConfig topicSegmenter();

    /**
     * The topic segmenter's attention comes from the pre-compressor's model
     * ({@code lightmem.pre-compressor.model-path}), which must then export attentions as well as
     * logits. Needs {@code lightmem.pre-compress=true}.
     */
    @WithDefault("false")
    boolean precompTopicShared();

    interface TopicSegmenterConfig extends OnnxRuntimeOptions {
        /** Tokens of user messages the sensory buffer collects before it is segmented. */
        @WithDefault("512")
        @Min(16)
        @Max(100_000)
        int bufferLen();

        /**
         * Encoder ONNX model exported with attention outputs ({@code attentions.N}), for the coarse
         * boundaries; without it only the fine (embedding) boundaries are used.
         */
        Optional<String> modelPath();

        /** HF tokenizer.json of that model; required with model-path. */
        Optional<String> tokenizerPath();

        /** Attention layers averaged, 0-based (LightMem: the last four of a 12-layer BERT). */
        @WithDefault("8,9,10,11")
        List<Integer> layers();

        /** Model window in tokens, special tokens included; user text past it gets no attention. */
        @WithDefault("512")
        @Min(8)
        @Max(8192)
        int maxWindowTokens();
    }
}
