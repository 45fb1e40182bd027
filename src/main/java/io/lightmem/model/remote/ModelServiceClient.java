package io.lightmem.model.remote;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.lightmem.FailedPreconditionException;
import io.lightmem.UnavailableException;
import io.lightmem.compress.Compression;
import io.lightmem.v1.CompressRequest;
import io.lightmem.v1.CompressedText;
import io.lightmem.v1.ComputeSentenceAttentionRequest;
import io.lightmem.v1.ComputeSentenceAttentionResponse;
import io.lightmem.v1.CountTokensRequest;
import io.lightmem.v1.CountTokensResponse;
import io.lightmem.v1.EmbedRequest;
import io.lightmem.v1.EmbedResponse;
import io.lightmem.v1.Embedding;
import io.lightmem.v1.GetModelInfoRequest;
import io.lightmem.v1.GetModelInfoResponse;
import io.lightmem.v1.ModelServiceGrpc;
import io.lightmem.v1.ModelServiceGrpc.ModelServiceBlockingStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The gRPC client of {@code lightmem.v1.ModelService}: batches, a deadline per attempt, retries
 * with exponential backoff on UNAVAILABLE and DEADLINE_EXCEEDED, then {@link UnavailableException}.
 * Before the first model call it checks the service's embedding dimension against the one this
 * instance stores, and every Embed answer against the model it checked, so vectors of another
 * model are never stored. Thread-safe.
 */
public final class ModelServiceClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelServiceClient.class);
    /** Text sent in one call at most, in UTF-8 bytes (at most 3 per UTF-16 char): well below gRPC's 4 MiB. */
    static final long MAX_REQUEST_TEXT_BYTES = 3L << 20;
    /** Attention of many sentences is large (n^2 / 2 doubles); answers up to this size are accepted. */
    private static final int MAX_ANSWER_BYTES = 64 << 20;

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
    private final Backoff backoff;
    private final ManagedChannel channel;
    private final ModelServiceBlockingStub stub;
    /** Set once the service's models were checked; the model every Embed answer must come from. */
    private volatile ModelInfo checked;

    public ModelServiceClient(Settings settings, Expectations expected) {
        this.settings = settings;
        this.expected = expected;
        this.backoff = new Backoff(settings.initialBackoff(), settings.maxBackoff());
        // Plaintext HTTP/2 (h2c): inside a cluster, as Knative serves gRPC. Netty directly, not the
        // ServiceLoader-chosen transport, so the JVM and the native image use the same one.
        this.channel = NettyChannelBuilder.forTarget(settings.endpoint())
                .usePlaintext()
                .maxInboundMessageSize(MAX_ANSWER_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
        ModelServiceBlockingStub plain = ModelServiceGrpc.newBlockingStub(channel);
        if (settings.apiKey() == null) {
            this.stub = plain;
        } else {
            Metadata credential = new Metadata();
            credential.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + settings.apiKey());
            this.stub = plain.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(credential));
        }
    }

    public String endpoint() {
        return settings.endpoint();
    }

    /** The service's models, checked against the expectations once; throws until they can be. */
    public ModelInfo info() {
        ModelInfo info = checked;
        if (info == null) {
            info = check(call("GetModelInfo", settings.maxAttempts(), settings.deadline(),
                    s -> s.getModelInfo(GetModelInfoRequest.getDefaultInstance())));
        }
        return info;
    }

    /** One GetModelInfo attempt with a short deadline, for readiness: no retries, nothing waits long. */
    public ModelInfo probe(Duration deadline) {
        Duration shorter = deadline.compareTo(settings.deadline()) < 0 ? deadline : settings.deadline();
        return check(call("GetModelInfo", 1, shorter, s -> s.getModelInfo(GetModelInfoRequest.getDefaultInstance())));
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

    /** One unit-length vector per text, in order. */
    public List<float[]> embed(List<String> texts) {
        ModelInfo info = info();
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (List<String> batch : batches(texts)) {
            EmbedResponse answer = call("Embed", s -> s.embed(EmbedRequest.newBuilder().addAllTexts(batch).build()));
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
        for (List<String> batch : batches(texts)) {
            CountTokensResponse answer = call("CountTokens",
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
        for (List<String> batch : batches(texts)) {
            List<CompressedText> answer = call("Compress", s -> s.compress(CompressRequest.newBuilder()
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
        ComputeSentenceAttentionResponse answer = call("ComputeSentenceAttention", s -> s.computeSentenceAttention(
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

    /** Consecutive runs of at most batch-size texts and MAX_REQUEST_TEXT_BYTES of text. */
    List<List<String>> batches(List<String> texts) {
        List<List<String>> batches = new ArrayList<>();
        int from = 0;
        while (from < texts.size()) {
            int to = from;
            long bytes = 0;
            while (to < texts.size() && to - from < settings.batchSize()
                    && (to == from || bytes + 3L * texts.get(to).length() <= MAX_REQUEST_TEXT_BYTES)) {
                bytes += 3L * texts.get(to).length();
                to++;
            }
            batches.add(texts.subList(from, to));
            from = to;
        }
        return batches;
    }

    private void expectCount(String method, int expected, int actual) {
        if (expected != actual) {
            throw new IllegalStateException("the model service at " + endpoint() + " answered " + method + " with "
                    + actual + " results for " + expected + " inputs");
        }
    }

    private <T> T call(String method, Function<ModelServiceBlockingStub, T> rpc) {
        return call(method, settings.maxAttempts(), settings.deadline(), rpc);
    }

    private <T> T call(String method, int attempts, Duration deadline, Function<ModelServiceBlockingStub, T> rpc) {
        Status.Code previous = null;
        for (int attempt = 1;; attempt++) {
            try {
                if (previous != null) {
                    reconnectNow(previous == Status.Code.DEADLINE_EXCEEDED, deadline);
                }
                return rpc.apply(stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                boolean transient_ = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
                if (!transient_ || attempt >= attempts) {
                    throw translate(method, e, attempt);
                }
                previous = code;
                Duration wait = backoff.before(attempt, ThreadLocalRandom.current().nextDouble());
                LOG.debugf("model service at %s: %s failed with %s (attempt %d of %d), retrying in %d ms", endpoint(),
                        method, code, attempt, attempts, wait.toMillis());
                try {
                    Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new UnavailableException("interrupted while waiting to retry " + method + " at the model service "
                            + endpoint(), e);
                }
            }
        }
    }

    /**
     * Before a retry: makes the channel try to connect now and waits (at most {@code max}) until
     * that try is over, so the retry reaches a service that came back during the backoff. Left
     * alone, the channel would fail the retry at once on its last failure while it waits out its
     * own reconnect backoff (1 s and more), or keep waiting on a connection whose handshake never
     * completed ({@code stuck}: the last attempt ran into its deadline while connecting).
     */
    private void reconnectNow(boolean stuck, Duration max) {
        if (stuck && channel.getState(false) == ConnectivityState.CONNECTING) {
            channel.enterIdle();
        }
        channel.resetConnectBackoff();
        ConnectivityState state = channel.getState(true);
        long until = System.nanoTime() + max.toNanos();
        boolean moved = false;
        while (state != ConnectivityState.READY && !(moved && state == ConnectivityState.TRANSIENT_FAILURE)
                && state != ConnectivityState.SHUTDOWN) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            CountDownLatch changed = new CountDownLatch(1);
            channel.notifyWhenStateChanged(state, changed::countDown);
            try {
                if (!changed.await(left, TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ConnectivityState next = channel.getState(true);
            moved |= next != state;
            state = next;
        }
    }

    private RuntimeException translate(String method, StatusRuntimeException e, int attempts) {
        Status status = e.getStatus();
        String detail = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        return switch (status.getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED -> new UnavailableException("the model service at " + endpoint()
                    + " is unavailable: " + method + " failed " + attempts + (attempts == 1 ? " time" : " times")
                    + ", last with " + detail, e);
            case UNIMPLEMENTED -> new FailedPreconditionException(endpoint() + " does not serve lightmem.v1.ModelService/"
                    + method + " (" + detail + "): lightmem.models.endpoint must name an instance in role models or all");
            case FAILED_PRECONDITION -> new FailedPreconditionException("the model service at " + endpoint() + " cannot "
                    + method + ": " + status.getDescription());
            default -> new IllegalStateException("the model service at " + endpoint() + " failed " + method + ": "
                    + detail, e);
        };
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
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
