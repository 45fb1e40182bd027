package io.lightmem.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

/** How ONNX Runtime runs one of the models (text-embedder, pre-compressor, topic-segmenter). */
public interface OnnxRuntimeOptions {

    @WithDefault("cpu")
    ExecutionProvider executionProvider();

    /** CUDA device ordinal when execution-provider=cuda. */
    @WithDefault("0")
    @Min(0)
    int deviceId();

    /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose. */
    @WithDefault("0")
    @Min(0)
    int intraOpThreads();
}
