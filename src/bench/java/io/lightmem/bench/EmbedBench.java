package io.lightmem.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our embedder (tokenize, run, mean-pool, normalize; batch 32) against a bare ONNX Runtime session
 * of the same model file and session options running pre-tokenized batches (the floor: model time
 * only). Rounds alternate between the two; the median round counts.
 */
final class EmbedBench {

    Map<String, Object> run(int texts, int rounds, StringBuilder md) throws Exception {
        Synthetic synthetic = new Synthetic(7);
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < texts; i++) {
            corpus.add(synthetic.sentence());
        }
        byte[] model;
        try (InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(OnnxEmbedder.BUILT_IN_MODEL)) {
            model = in.readAllBytes();
        }
        double[] ours = new double[rounds];
        double[] bare = new double[rounds];
        try (OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedder.ModelFiles.builtIn(),
                OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 32, 256);
                OrtSession session = OrtEnvironment.getEnvironment().createSession(model,
                        OnnxSessions.options(ExecutionProvider.cpu, 0, 0));
                InputStream tokenizerJson = OnnxEmbedder.class.getClassLoader()
                        .getResourceAsStream(OnnxEmbedder.BUILT_IN_TOKENIZER);
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                        Map.of("maxLength", "256", "truncation", "true", "padding", "false"))) {
            List<long[][][]> batches = new ArrayList<>();
            for (int from = 0; from < corpus.size(); from += 32) {
                batches.add(tokenize(tokenizer, corpus.subList(from, Math.min(corpus.size(), from + 32))));
            }
            embedder.embedPassages(corpus.subList(0, 64)); // warm-up
            runBare(session, batches.subList(0, 2));
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                embedder.embedPassages(corpus);
                ours[r] = corpus.size() / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                runBare(session, batches);
                bare[r] = corpus.size() / ((System.nanoTime() - t0) / 1e9);
                System.out.printf("  round %d: ours %.1f/s, bare %.1f/s%n", r, ours[r], bare[r]);
            }
        }
        double oursMedian = median(ours);
        double bareMedian = median(bare);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", "all-MiniLM-L6-v2 (fp32, built-in)");
        json.put("texts", texts);
        json.put("batch_size", 32);
        json.put("rounds", rounds);
        json.put("ours_texts_per_second", RecallMetrics.round(oursMedian));
        json.put("bare_ort_texts_per_second", RecallMetrics.round(bareMedian));
        json.put("ratio", RecallMetrics.round(oursMedian / bareMedian));
        md.append("### Embedding throughput (all-MiniLM-L6-v2 fp32, batch 32, ").append(texts).append(" texts, median of ")
                .append(rounds).append(" rounds)\n\n| embedder | texts/s |\n|---|---|\n")
                .append(String.format("| io.lightmem.model.OnnxEmbedder (tokenize + run + pool + normalize) | %.1f |%n", oursMedian))
                .append(String.format("| bare OrtSession.run on pre-tokenized batches | %.1f |%n", bareMedian))
                .append(String.format("| ratio | %.3f |%n%n", oursMedian / bareMedian));
        return json;
    }

    private static long[][][] tokenize(HuggingFaceTokenizer tokenizer, List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int width = Arrays.stream(encodings).mapToInt(e -> e.getIds().length).max().orElse(0);
        long[][][] inputs = new long[3][texts.size()][width];
        for (int i = 0; i < encodings.length; i++) {
            int n = encodings[i].getIds().length;
            System.arraycopy(encodings[i].getIds(), 0, inputs[0][i], 0, n);
            System.arraycopy(encodings[i].getAttentionMask(), 0, inputs[1][i], 0, n);
            System.arraycopy(encodings[i].getTypeIds(), 0, inputs[2][i], 0, n);
        }
        return inputs;
    }

    private static void runBare(OrtSession session, List<long[][][]> batches) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        for (long[][][] batch : batches) {
            try (OnnxTensor ids = OnnxTensor.createTensor(env, batch[0]);
                    OnnxTensor mask = OnnxTensor.createTensor(env, batch[1]);
                    OnnxTensor types = OnnxTensor.createTensor(env, batch[2]);
                    OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                            "token_type_ids", types))) {
                result.get(0); // the output exists; bare does no pooling
            }
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
