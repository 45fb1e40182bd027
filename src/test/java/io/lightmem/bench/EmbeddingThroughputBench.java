package io.lightmem.bench;

import io.lightmem.config.LightMemConfig.ExecutionProvider;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Sentences per second of the in-process embedder (built-in all-MiniLM-L6-v2, batches of 32).
 * Run: ./mvnw -Pbench test-compile exec:java -Dexec.mainClass=io.lightmem.bench.EmbeddingThroughputBench
 */
public final class EmbeddingThroughputBench {

    private static final String[] WORDS = ("the user said that she will travel to lisbon next month with her sister "
            + "and they plan to visit museums eat pastries walk along the river meet old friends from university "
            + "buy a new camera because the old one broke during a hiking trip in the mountains last summer")
            .split(" ");

    public static void main(String[] args) {
        int sentences = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        int batch = 32;
        List<String> texts = sentences(sentences, new Random(42));
        try (OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedder.ModelFiles.builtIn(),
                OnnxSessions.options(ExecutionProvider.cpu, 0, 0), batch, 256)) {
            embedder.embed(texts.subList(0, 256)); // warm-up: JIT and ONNX Runtime allocations
            for (int round = 1; round <= 3; round++) {
                long started = System.nanoTime();
                embedder.embed(texts);
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("round %d: %d sentences in %.2f s = %.0f sentences/s (batch %d)%n", round,
                        sentences, seconds, sentences / seconds, batch);
            }
        }
    }

    /** Sentences of 8 to 24 words, the length of typical conversation turns and extracted facts. */
    static List<String> sentences(int count, Random random) {
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = 8 + random.nextInt(17);
            StringBuilder sentence = new StringBuilder();
            for (int w = 0; w < length; w++) {
                sentence.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            texts.add(sentence.append('.').toString());
        }
        return texts;
    }
}
