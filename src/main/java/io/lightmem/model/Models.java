package io.lightmem.model;

import io.lightmem.compress.Compressor;
import java.util.Map;
import java.util.Optional;

/**
 * The models of one instance, wherever they run: in this process on ONNX Runtime (roles
 * {@code all} and {@code models}) or in the model service (role {@code api}). The rest of the
 * application sees only these interfaces, so both give the same results.
 */
public interface Models {

    Embedder embedder();

    /** Counts tokens with the embedder's tokenizer. */
    TokenCounter tokenCounter();

    /** {@link Compressor#NONE} when {@code lightmem.pre-compress=false}. */
    Compressor compressor();

    /** The topic segmenter's attention source; empty when none is configured. */
    Optional<SentenceAttention> attention();

    /** Whether the models can serve now, and what describes them (for the readiness check). */
    Availability availability();

    record Availability(boolean up, Map<String, Object> data) {
    }
}
