package io.lightmem.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.lightmem.model.OnnxEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

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

    @Override
    public void close() {
        tokenizer.close();
    }
}
