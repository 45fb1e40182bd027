package io.lightmem.model.remote;

import io.lightmem.FailedPreconditionException;
import io.lightmem.compress.Compression;
import io.lightmem.v1.CompressRequest;
import io.lightmem.v1.CompressedText;
import io.lightmem.v1.ComputeSentenceAttentionRequest;
import io.lightmem.v1.ComputeSentenceAttentionResponse;
import io.lightmem.v1.CountTokensRequest;
import io.lightmem.v1.CountTokensResponse;
import io.lightmem.model.EmbeddingInput;
import io.lightmem.v1.EmbedRequest;
import io.lightmem.v1.EmbedResponse;
import io.lightmem.v1.Embedding;
import io.lightmem.v1.GetModelInfoRequest;
import io.lightmem.v1.GetModelInfoResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The models of {@code lightmem.v1.ModelService} as this instance uses them: texts in batches
 * ({@link TextBatches}) over {@link ModelServiceCalls} (deadlines, retries). Before the first model call it checks the service's embedding dimension against the one this
 * instance stores, and every Embed answer against the model it checked, so vectors of another
 * model are never stored. Thread-safe.
 */
public final class ModelServiceClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelServiceClient.class);

    /**
     * How to reach the service and how hard to try.
     *
     * @param apiKey sent as {@code authorization: Bearer <key>} with every call; null sends none
     */
    public record Settings(String endpoint, Duration deadline, int maxAttempts, Duration initialBackoff,
            Duration maxBackoff, int batchSize, String apiKey) {

        public Settings {
            Endpoints.check(endpoint);
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("lightmem.models.deadline must be positive, got " + deadline);
            }
            if (maxAttempts < 1 || batchSize < 1) {
                throw new IllegalArgumentException("lightmem.models.max-attempts and batch-size must be at least 1");
            }
        }

        /** The settings of role api; {@code lightmem.models.endpoint} is required there. */
        public static Settings of(ModelServiceConfig config) {
            String endpoint = config.endpoint().filter(e -> !e.isBlank()).orElseThrow(() -> new IllegalStateException(
                    "lightmem.role=api needs lightmem.models.endpoint (LIGHTMEM_MODELS_ENDPOINT): host:port of an "
                            + "instance in role models (or all) that serves lightmem.v1.ModelService"));
            return new Settings(endpoint.strip(), config.deadline(), config.maxAttempts(), config.initialBackoff(),
                    config.maxBackoff(), config.batchSize(), config.apiKey().filter(key -> !key.isBlank()).orElse(null));
        }
    }

    /** What this instance needs from the service; checked once before the first model call. */
    public record Expectations(int embeddingDimension, boolean compression) {
    }

    /** What the service runs, as it answered GetModelInfo and this client checked. */
    public record ModelInfo(String embeddingModelId, int embeddingDimension, boolean compression,
            double compressionDefaultRate, String compressionModel, boolean attention, String attentionModel) {

        static ModelInfo of(GetModelInfoResponse info) {
            return new ModelInfo(info.getEmbeddingModelId(), info.getEmbeddingDimension(),
                    info.getCompressionAvailable(), info.getCompressionDefaultRate(), info.getCompressionModel(),
                    info.getAttentionAvailable(), info.getAttentionModel());
        }
    }

    private final Settings settings;
    private final Expectations expected;
    private final ModelServiceCalls calls;
    /** Set once the service's models were checked; the model every Embed answer must come from. */
    private volatile ModelInfo checked;

    public ModelServiceClient(Settings settings, Expectations expected) {
        this.settings = settings;
        this.expected = expected;
        this.calls = new ModelServiceCalls(settings);
    }

    public String endpoint() {
        return settings.endpoint();
    }

    /** The service's models, checked against the expectations once; throws until they can be. */
    public ModelInfo info() {
        ModelInfo info = checked;
        if (info == null) {
            info = check(calls.call("GetModelInfo", settings.maxAttempts(), settings.deadline(),
                    s -> s.getModelInfo(GetModelInfoRequest.getDefaultInstance())));
        }
        return info;
    }

    /** One GetModelInfo attempt with a short deadline, for readiness: no retries, nothing waits long. */
    public ModelInfo probe(Duration deadline) {
        Duration shorter = deadline.compareTo(settings.deadline()) < 0 ? deadline : settings.deadline();
        return check(calls.call("GetModelInfo", 1, shorter, s -> s.getModelInfo(GetModelInfoRequest.getDefaultInstance())));
    }

    private ModelInfo check(GetModelInfoResponse answer) {
        ModelInfo info = ModelInfo.of(answer);
        ModelInfo before = checked;
        if (before != null && !before.embeddingModelId().equals(info.embeddingModelId())) {
            throw changedModel(info.embeddingModelId(), info.embeddingDimension());
        }
        if (info.embeddingDimension() != expected.embeddingDimension()) {
            throw new FailedPreconditionException("the model service at " + endpoint() + " embeds with "
                    + info.embeddingModelId() + " into " + info.embeddingDimension()
                    + " dimensions, but lightmem.text-embedder.dims of this instance (and its database column) is "
                    + expected.embeddingDimension());
        }
        if (expected.compression() && !info.compression()) {
            throw new FailedPreconditionException("lightmem.pre-compress=true, but the model service at " + endpoint()
                    + " does not serve Compress: set lightmem.pre-compress=true and lightmem.pre-compressor.* there");
        }
        if (before == null) {
            LOG.infof("model service at %s: embedding model %s (%d dims), compression %s, attention %s", endpoint(),
                    info.embeddingModelId(), info.embeddingDimension(),
                    info.compression() ? info.compressionModel() : "off",
                    info.attention() ? info.attentionModel() : "none");
        }
        checked = info;
        return info;
    }

    private FailedPreconditionException changedModel(String modelId, int dimension) {
        return new FailedPreconditionException("the model service at " + endpoint() + " now embeds with " + modelId
                + " (" + dimension + " dims), not with " + checked.embeddingModelId()
                + " checked before: vectors of different models are not comparable, so nothing is embedded; "
                + "serve the same model again, or re-embed the stored memories for the new one");
    }

    /** One unit-length vector per text, in order, each embedded as {@code input}. */
    public List<float[]> embed(List<String> texts, EmbeddingInput input) {
        ModelInfo info = info();
        EmbedRequest.InputType type = input == EmbeddingInput.QUERY ? EmbedRequest.InputType.QUERY
                : EmbedRequest.InputType.PASSAGE;
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (List<String> batch : TextBatches.of(texts, settings.batchSize())) {
            EmbedResponse answer = calls.call("Embed",
                    s -> s.embed(EmbedRequest.newBuilder().addAllTexts(batch).setInputType(type).build()));
            if (!answer.getModelId().equals(info.embeddingModelId()) || answer.getDimension() != info.embeddingDimension()) {
                throw changedModel(answer.getModelId(), answer.getDimension());
            }
            expectCount("Embed", batch.size(), answer.getEmbeddingsCount());
            for (Embedding embedding : answer.getEmbeddingsList()) {
                if (embedding.getValuesCount() != info.embeddingDimension()) {
                    throw new IllegalStateException("the model service at " + endpoint() + " returned a vector of "
                            + embedding.getValuesCount() + " values, announced " + info.embeddingDimension());
                }
                float[] vector = new float[embedding.getValuesCount()];
                for (int d = 0; d < vector.length; d++) {
                    vector[d] = embedding.getValues(d);
                }
                vectors.add(vector);
            }
        }
        return vectors;
    }

    /** Tokens of each text with the embedding model's tokenizer, in order. */
    public List<Integer> countTokens(List<String> texts) {
        info();
        List<Integer> counts = new ArrayList<>(texts.size());
        for (List<String> batch : TextBatches.of(texts, settings.batchSize())) {
            CountTokensResponse answer = calls.call("CountTokens",
                    s -> s.countTokens(CountTokensRequest.newBuilder().addAllTexts(batch).build()));
            expectCount("CountTokens", batch.size(), answer.getTokenCountsCount());
            counts.addAll(answer.getTokenCountsList());
        }
        return counts;
    }

    /** LLMLingua-2 compression of each text, keeping {@code rate} of its words. */
    public List<Compression> compress(List<String> texts, double rate) {
        info();
        List<Compression> results = new ArrayList<>(texts.size());
        for (List<String> batch : TextBatches.of(texts, settings.batchSize())) {
            List<CompressedText> answer = calls.call("Compress", s -> s.compress(CompressRequest.newBuilder()
                    .addAllTexts(batch).setRate(rate).build())).getResultsList();
            expectCount("Compress", batch.size(), answer.size());
            for (CompressedText text : answer) {
                results.add(new Compression(text.getText(), text.getKeptWords(), text.getTotalWords(), text.getFailed()));
            }
        }
        return results;
    }

    /**
     * The sentence attention matrix M (n x n, zero on and above the diagonal), or {@code null}
     * when the service has no attention model.
     */
    public double[][] sentenceAttention(List<String> sentences) {
        if (!info().attention()) {
            return null;
        }
        ComputeSentenceAttentionResponse answer = calls.call("ComputeSentenceAttention", s -> s.computeSentenceAttention(
                ComputeSentenceAttentionRequest.newBuilder().addAllSentences(sentences).build()));
        int n = sentences.size();
        expectCount("ComputeSentenceAttention", n, answer.getSentences());
        expectCount("ComputeSentenceAttention (lower triangle)", n * (n - 1) / 2, answer.getLowerTriangleCount());
        double[][] matrix = new double[n][n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                matrix[i][j] = answer.getLowerTriangle(k++);
            }
        }
        return matrix;
    }

    private void expectCount(String method, int expected, int actual) {
        if (expected != actual) {
            throw new IllegalStateException("the model service at " + endpoint() + " answered " + method + " with "
                    + actual + " results for " + expected + " inputs");
        }
    }

    @Override
    public void close() {
        calls.close();
    }

    /** host:port, as Knative and Kubernetes services are addressed inside a cluster. */
    static final class Endpoints {

        private Endpoints() {
        }

        static void check(String endpoint) {
            int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
            String problem = null;
            if (colon <= 0 || colon == endpoint.length() - 1) {
                problem = "is not host:port";
            } else {
                try {
                    int port = Integer.parseInt(endpoint.substring(colon + 1));
                    if (port < 1 || port > 65535) {
                        problem = "has port " + port + " outside 1..65535";
                    }
                } catch (NumberFormatException e) {
                    problem = "has no numeric port";
                }
            }
            if (problem != null) {
                throw new IllegalStateException("lightmem.models.endpoint '" + endpoint + "' " + problem
                        + " (e.g. lightmem-models.default.svc.cluster.local:9000)");
            }
        }
    }
}
