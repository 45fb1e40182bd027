package io.lightmem.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.lightmem.model.OnnxEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import io.lightmem.v1.RetrievedMemory;

/**
 * Context size in tokens, counted with the embedding model's WordPiece tokenizer (no special
 * tokens, no truncation). GPT-style BPE tokenizers give counts within roughly ±15% on English chat.
 */
final class Tokens implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;

    Tokens() throws IOException {
        try (InputStream json = OnnxEmbedder.class.getClassLoader().getResourceAsStream(OnnxEmbedder.BUILT_IN_TOKENIZER)) {
            this.tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of("addSpecialTokens", "false",
                    "truncation", "false", "padding", "false", "modelMaxLength", "100000"));
        }
    }

    int count(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    /** A service result covering {@code turnIds}: tokens of its formatted line and of its text alone. */
    RecallMetrics.Hit hit(Set<String> turnIds, RetrievedMemory memory) {
        return new RecallMetrics.Hit(turnIds, count(memory.getEntry().getFormatted()), count(memory.getEntry().getMemory()));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
