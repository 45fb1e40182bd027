package io.lightmem.compress;

import io.lightmem.config.OnnxRuntimeOptions;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.Optional;

/**
 * {@code lightmem.pre-compress} and {@code lightmem.pre-compressor.*}: LLMLingua-2 pre-compression
 * (docs/compression.md).
 */
@ConfigMapping(prefix = "lightmem")
public interface CompressionConfig {

    /**
     * Compress each message with LLMLingua-2 before it is segmented and extracted (docs/compression.md).
     * Needs {@code lightmem.pre-compressor.model-path} and {@code .tokenizer-path}.
     */
    @WithDefault("false")
    boolean preCompress();

    PreCompressorConfig preCompressor();

    /** The LLMLingua-2 token classifier (ONNX Runtime) used when {@code lightmem.pre-compress=true}. */
    interface PreCompressorConfig extends OnnxRuntimeOptions {
        /** Token-classification ONNX model (e.g. Optimum's {@code model.onnx}); required with pre-compress. */
        Optional<String> modelPath();

        /** HF tokenizer.json of that model; required with pre-compress. */
        Optional<String> tokenizerPath();

        /** Fraction of the (ranked) words kept: ceil(rate x words); 1.0 keeps every word. */
        @WithDefault("0.8")
        @DecimalMin(value = "0.0", inclusive = false)
        @DecimalMax("1.0")
        double rate();

        /**
         * Tokens always kept. Whitespace tokens (newline) are kept between the words; other tokens
         * are kept where they end a word or form a whole word. Written with escapes: {@code \n} is
         * a newline, {@code \,} a comma. Set to an empty value to force nothing.
         */
        @WithDefault("\\\\n,.,!,?,\\,")
        Optional<List<String>> forceTokens();

        /** Model window in tokens, special tokens included; longer texts are compressed in chunks. */
        @WithDefault("512")
        @Min(4)
        @Max(8192)
        int maxWindowTokens();

        /** Chunks per ONNX Runtime run. */
        @WithDefault("8")
        @Min(1)
        @Max(256)
        int batchSize();
    }
}
