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

    /**
     * The built-in model (a jar on the classpath, with its own pooling and prefixes); ignored when
     * model-path is set. BGE small v1.5 int8 found more than all-MiniLM-L6-v2 (LightMem's model) on all
     * three development sets at about its cost per query (BENCHMARKS.md, "Retrieval that generalizes").
     */
    @WithDefault("bge-small-en-v15-q")
    EmbeddingModel model();

    /**
     * What a start does when the database holds vectors of another model of the same dimension
     * (io.lightmem.store.EmbeddingModelGuard): refuse to serve (the default), or re-embed every stored
     * vector with this model in the background, unready until done (docs/design.md, "Embedding model").
     */
    @WithDefault("refuse")
    OnModelChange onModelChange();

    /** The choices of {@link #onModelChange()}. */
    enum OnModelChange {
        /** Stop, naming both models: the operator picks the old model back or a new database. */
        REFUSE,
        /** Re-embed the stored memories with the configured model, then serve. */
        RE_EMBED
    }

    /** ONNX model file; unset: the built-in {@link #model()}. */
    Optional<String> modelPath();

    /** HF tokenizer.json of that model; required with model-path. */
    Optional<String> tokenizerPath();

    /** Pooling of a model-path model (mean or cls); built-in models use their own. */
    @WithDefault("mean")
    EmbeddingModel.Pooling pooling();

    /** Text before each query, for a model-path model (e.g. "query: " for E5); built-in models use their own. */
    Optional<String> queryPrefix();

    /** Text before each stored text, for a model-path model (e.g. "passage: " for E5). */
    Optional<String> passagePrefix();

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

    /**
     * Tokens the model reads at once (all-MiniLM-L6-v2 was trained on 256); a longer text is read in
     * windows of this size, see {@link #longTexts()}.
     */
    @WithDefault("256")
    @Min(16)
    @Max(8192)
    int maxLength();

    /**
     * A text longer than max-length: cut after its first window, or averaged over its windows (which
     * found less on LongMemEval-S and costs more: BENCHMARKS.md, "Long texts").
     */
    @WithDefault("truncate")
    LongTexts longTexts();
}
