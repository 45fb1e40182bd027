package io.lightmem.model;

import io.lightmem.config.OnnxRuntimeOptions;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.Optional;

/** {@code lightmem.text-embedder.*}: the embedding model (ONNX Runtime, in process or in the model service). */
@ConfigMapping(prefix = "lightmem.text-embedder")
public interface TextEmbedderConfig extends OnnxRuntimeOptions {

    /** ONNX model file; unset: the built-in all-MiniLM-L6-v2 shipped in the classpath. */
    Optional<String> modelPath();

    /** HF tokenizer.json of that model; required with model-path. */
    Optional<String> tokenizerPath();

    /** Output dimension; must match the model (and the database column, set at first migration). */
    @WithDefault("384")
    @Min(8)
    @Max(4096)
    int dims();

    /** Texts per ONNX Runtime run. */
    @WithDefault("32")
    @Min(1)
    @Max(1024)
    int batchSize();

    /** Tokens per text; longer texts are truncated (all-MiniLM-L6-v2 was trained on 256). */
    @WithDefault("256")
    @Min(8)
    @Max(8192)
    int maxLength();
}
