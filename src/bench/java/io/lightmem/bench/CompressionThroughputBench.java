package io.lightmem.bench;

import io.lightmem.compress.Compression;
import io.lightmem.compress.LlmLingua2Compressor;
import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.OnnxSessions;
import io.lightmem.testing.TinyTokenClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Words per second of the LLMLingua-2 compressor on the generated tiny token classifier: this
 * measures the compressor's own work (tokenizing twice, chunking, ONNX Runtime call overhead,
 * aggregation, rebuilding the text), not a real BERT. With the real model, the model dominates.
 * Run: ./mvnw -Pbench test-compile exec:java -Dexec.mainClass=io.lightmem.bench.CompressionThroughputBench
 */
public final class CompressionThroughputBench {

    public static void main(String[] args) throws Exception {
        int texts = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        TinyTokenClassifier model = TinyTokenClassifier.builder();
        Random scores = new Random(7);
        for (String word : new java.util.LinkedHashSet<>(List.of(vocabulary()))) {
            model.token(word, 0.05 + 0.9 * scores.nextDouble());
        }
        model.token(".", 0.01);
        Path dir = Files.createTempDirectory("compression-bench");
        TinyTokenClassifier.Files files = model.write(dir);
        List<String> sentences = sentences(texts, new Random(42));
        long words = sentences.stream().mapToLong(s -> s.split("\\s+").length).sum();
        try (LlmLingua2Compressor compressor = new LlmLingua2Compressor(files.model(), files.tokenizer(),
                OnnxSessions.options(ExecutionProvider.cpu, 0, 0),
                new LlmLingua2Compressor.Settings(0.6, List.of("\n", ".", "!", "?", ","), window, 8))) {
            compressor.compress(sentences.subList(0, 256)); // warm-up
            for (int round = 1; round <= 3; round++) {
                long started = System.nanoTime();
                List<Compression> batch = compressor.compress(sentences);
                double batchSeconds = (System.nanoTime() - started) / 1e9;
                started = System.nanoTime();
                for (String sentence : sentences.subList(0, 1024)) {
                    compressor.compress(sentence);
                }
                double singleSeconds = (System.nanoTime() - started) / 1e9;
                long singleWords = sentences.subList(0, 1024).stream().mapToLong(s -> s.split("\\s+").length).sum();
                long kept = batch.stream().mapToLong(Compression::keptWords).sum();
                System.out.printf("round %d: batch form %d texts, %d words in %.2f s = %.0f words/s (kept %.2f); "
                        + "one by one %.0f words/s (window %d)%n", round, texts, words, batchSeconds, words / batchSeconds,
                        (double) kept / words, singleWords / singleSeconds, window);
            }
        }
    }

    /** Sentences of 8 to 24 words of the model's vocabulary, the length of conversation turns. */
    private static List<String> sentences(int count, Random random) {
        String[] words = vocabulary();
        List<String> texts = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder sentence = new StringBuilder(words[random.nextInt(words.length)]);
            for (int w = 1, length = 8 + random.nextInt(17); w < length; w++) {
                sentence.append(' ').append(words[random.nextInt(words.length)]);
            }
            texts.add(sentence.append('.').toString());
        }
        return texts;
    }

    private static String[] vocabulary() {
        return ("the user said that she will travel to lisbon next month with her sister and they plan to visit "
                + "museums eat pastries walk along the river meet old friends from university buy a new camera "
                + "because the old one broke during a hiking trip in the mountains last summer").split(" ");
    }
}
