package io.lightmem.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The built-in embedding models, chosen by {@code lightmem.text-embedder.model}. Each ships as an
 * ONNX file with its tokenizer inside a LangChain4j jar from Maven Central (nothing is downloaded at
 * run time), and embeds the way its authors trained it: its own pooling and its own query and
 * passage prefixes (docs/retrieval.md). All have 384 dimensions, so any of them fits the schema; a
 * database keeps the vectors of one model only (see {@code EmbeddingModelRecord}).
 *
 * <p>Only the description lives here; loading is in-process code (src/inprocess), which the native
 * build of role api leaves out.
 */
public enum EmbeddingModel {
    /** sentence-transformers/all-MiniLM-L6-v2: 6 layers, mean pooling, symmetric (no prefixes). */
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
            Pooling.MEAN, "", "", SimilarityScale.LIGHTMEM),
    /** BAAI/bge-small-en-v1.5: 12 layers, CLS pooling, an instruction before queries only. */
    BGE_SMALL_EN_V15("bge-small-en-v15", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json",
            Pooling.CLS, Prefixes.BGE_QUERY, "", Scales.BGE),
    /** The same, int8-quantized. */
    BGE_SMALL_EN_V15_Q("bge-small-en-v15-q", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
            Pooling.CLS, Prefixes.BGE_QUERY, "", Scales.BGE_Q),
    /** intfloat/e5-small-v2: 12 layers, mean pooling, "query: " and "passage: " prefixes. */
    E5_SMALL_V2("e5-small-v2", "e5-small-v2.onnx", "e5-small-v2-tokenizer.json", Pooling.MEAN, "query: ", "passage: ",
            Scales.E5),
    /** The same, int8-quantized. */
    E5_SMALL_V2_Q("e5-small-v2-q", "e5-small-v2-q.onnx", "e5-small-v2-q-tokenizer.json", Pooling.MEAN, "query: ",
            "passage: ", Scales.E5_Q);

    /** How the token vectors of the last layer become one vector. */
    public enum Pooling {
        /** Mean over the real (unpadded) tokens. */
        MEAN,
        /** The first token's ([CLS]) vector. */
        CLS
    }

    /** Measured by {@code deploy/local/bench.sh thresholds} (BENCHMARKS.md, "Thresholds per model"). */
    private static final class Scales {
        static final SimilarityScale BGE = new SimilarityScale(0.905, 0.585, 0.77);
        static final SimilarityScale BGE_Q = new SimilarityScale(0.905, 0.585, 0.77);
        static final SimilarityScale E5 = new SimilarityScale(0.945, 0.8, 0.87);
        static final SimilarityScale E5_Q = new SimilarityScale(0.945, 0.8, 0.87);
    }

    private static final class Prefixes {
        /** BGE v1.5's retrieval instruction for short queries (from its model card). */
        static final String BGE_QUERY = "Represent this sentence for searching relevant passages: ";
    }

    private final String configName;
    private final String modelResource;
    private final String tokenizerResource;
    private final Pooling pooling;
    private final String queryPrefix;
    private final String passagePrefix;
    private final SimilarityScale scale;

    EmbeddingModel(String configName, String modelResource, String tokenizerResource, Pooling pooling,
            String queryPrefix, String passagePrefix, SimilarityScale scale) {
        this.configName = configName;
        this.modelResource = modelResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
        this.queryPrefix = queryPrefix;
        this.passagePrefix = passagePrefix;
        this.scale = scale;
    }

    /**
     * The built-in model whose vectors an embedder of this {@link Embedder#modelId() model id} gives: the
     * id names the model file, and a built-in file embeds with its own pooling and prefixes.
     */
    public static Optional<EmbeddingModel> ofModelId(String modelId) {
        return Arrays.stream(values()).filter(m -> modelId.equals(m.modelResource) || modelId.startsWith(
                m.modelResource + "@")).filter(m -> !modelId.contains(";")).findFirst();
    }

    /** The value of {@code lightmem.text-embedder.model}. */
    public String configName() {
        return configName;
    }

    /** The ONNX file, a classpath resource of its jar. */
    public String modelResource() {
        return modelResource;
    }

    public String tokenizerResource() {
        return tokenizerResource;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** The text put before a text embedded as {@code input}. */
    public String prefix(EmbeddingInput input) {
        return input == EmbeddingInput.QUERY ? queryPrefix : passagePrefix;
    }

    /** Where this model puts LightMem's similarity thresholds. */
    public SimilarityScale scale() {
        return scale;
    }

    @Override
    public String toString() {
        return configName;
    }
}
