package io.lightmem.bench;

import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.EmbeddingInput;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import io.lightmem.model.remote.ModelServiceClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the model service costs role api on one machine: embedding the same texts in process and
 * through a running model service (role models, gRPC over loopback), alternating rounds, median
 * counts. Both share the machine's cores, so this measures the remote path's overhead, not a GPU.
 */
final class RemoteEmbedBench {

    Map<String, Object> run(String endpoint, int texts, int rounds, int batchSize, StringBuilder md) {
        Synthetic synthetic = new Synthetic(11);
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < texts; i++) {
            corpus.add(synthetic.sentence());
        }
        double[] local = new double[rounds];
        double[] remote = new double[rounds];
        double[] countMs = new double[rounds];
        try (OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedder.ModelFiles.builtIn(),
                OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 32, 256);
                ModelServiceClient client = new ModelServiceClient(new ModelServiceClient.Settings(endpoint,
                        Duration.ofSeconds(60), 1, Duration.ofMillis(100), Duration.ofSeconds(1), batchSize,
                        System.getenv("LIGHTMEM_MODELS_API_KEY")),
                        new ModelServiceClient.Expectations(384, false))) {
            embedder.embedPassages(corpus.subList(0, 64)); // warm-up
            client.embed(corpus.subList(0, 64), EmbeddingInput.PASSAGE);
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                embedder.embedPassages(corpus);
                local[r] = corpus.size() / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                client.embed(corpus, EmbeddingInput.PASSAGE);
                remote[r] = corpus.size() / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                client.countTokens(corpus.subList(0, 16));
                countMs[r] = (System.nanoTime() - t0) / 1e6;
                System.out.printf("  round %d: in process %.1f/s, model service %.1f/s, CountTokens(16) %.1f ms%n", r,
                        local[r], remote[r], countMs[r]);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", "all-MiniLM-L6-v2 (fp32, built-in)");
        json.put("endpoint", endpoint);
        json.put("texts", texts);
        json.put("client_batch_size", batchSize);
        json.put("rounds", rounds);
        json.put("in_process_texts_per_second", RecallMetrics.round(EmbedBench.median(local)));
        json.put("model_service_texts_per_second", RecallMetrics.round(EmbedBench.median(remote)));
        json.put("count_tokens_16_texts_ms", RecallMetrics.round(EmbedBench.median(countMs)));
        md.append("### Model service over loopback (all-MiniLM-L6-v2 fp32, ").append(texts).append(" texts, client batch ")
                .append(batchSize).append(", median of ").append(rounds).append(" rounds)\n\n| path | texts/s |\n|---|---|\n")
                .append(String.format("| in process (OnnxEmbedder) | %.1f |%n", EmbedBench.median(local)))
                .append(String.format("| model service (ModelServiceClient -> role models) | %.1f |%n%n", EmbedBench.median(remote)))
                .append(String.format("CountTokens of 16 texts: %.1f ms.%n%n", EmbedBench.median(countMs)));
        return json;
    }
}
