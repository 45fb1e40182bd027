package io.lightmem.api.grpc;

import io.lightmem.FailedPreconditionException;
import io.lightmem.InvalidArgumentException;
import io.lightmem.auth.Callers;
import io.lightmem.auth.Permission;
import io.lightmem.compress.Compression;
import io.lightmem.compress.Compressor;
import io.lightmem.config.RoleConfig;
import io.lightmem.model.Embedder;
import io.lightmem.model.EmbeddingInput;
import io.lightmem.model.Models;
import io.lightmem.model.SentenceAttention;
import io.lightmem.v1.CompressRequest;
import io.lightmem.v1.CompressResponse;
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
import io.lightmem.v1.ModelService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * gRPC front of this instance's models, for instances in role api (see model_service.proto).
 * Served in roles all and models; {@link ServedServices} turns calls away in role api, whose
 * models are themselves remote.
 */
@GrpcService
@Blocking
public class ModelGrpcService implements ModelService {

    /** Texts (or sentences) in one request at most; the client batches below it. */
    static final int MAX_TEXTS = 1024;
    static final int MAX_SENTENCES = 4096;

    /** Looked up per call: the gRPC server creates this service on an event loop, where loading models would block it. */
    private final Instance<Models> modelsOfThisInstance;
    private final String role;
    private final Callers callers;

    public ModelGrpcService(Instance<Models> models, RoleConfig config, Callers callers) {
        this.modelsOfThisInstance = models;
        this.role = config.role().name();
        this.callers = callers;
    }

    @Override
    public Uni<GetModelInfoResponse> getModelInfo(GetModelInfoRequest request) {
        return call(() -> {
            Embedder embedder = models().embedder();
            Compressor compressor = models().compressor();
            Optional<SentenceAttention> attention = models().attention();
            return GetModelInfoResponse.newBuilder()
                    .setEmbeddingModelId(embedder.modelId())
                    .setEmbeddingDimension(embedder.dimension())
                    .setCompressionAvailable(compressor.enabled())
                    .setCompressionDefaultRate(compressor.enabled() ? compressor.defaultRate() : 0)
                    .setCompressionModel(compressor.enabled() ? compressor.toString() : "")
                    .setAttentionAvailable(attention.isPresent())
                    .setAttentionModel(attention.map(Object::toString).orElse(""))
                    .setRole(role)
                    .build();
        });
    }

    @Override
    public Uni<EmbedResponse> embed(EmbedRequest request) {
        return call(() -> {
            Embedder embedder = models().embedder();
            List<float[]> vectors = embedder.embed(limited("texts", request.getTextsList(), MAX_TEXTS),
                    input(request));
            EmbedResponse.Builder response = EmbedResponse.newBuilder()
                    .setModelId(embedder.modelId())
                    .setDimension(embedder.dimension());
            for (float[] vector : vectors) {
                Embedding.Builder embedding = Embedding.newBuilder();
                for (float value : vector) {
                    embedding.addValues(value);
                }
                response.addEmbeddings(embedding);
            }
            return response.build();
        });
    }

    private static EmbeddingInput input(EmbedRequest request) {
        return switch (request.getInputType()) {
            case QUERY -> EmbeddingInput.QUERY;
            // Clients from before input_type send none: they embedded everything as a passage.
            case PASSAGE, INPUT_TYPE_UNSPECIFIED -> EmbeddingInput.PASSAGE;
            case UNRECOGNIZED -> throw new InvalidArgumentException("input_type", "must be PASSAGE or QUERY, got "
                    + request.getInputTypeValue());
        };
    }

    @Override
    public Uni<CountTokensResponse> countTokens(CountTokensRequest request) {
        return call(() -> CountTokensResponse.newBuilder()
                .addAllTokenCounts(models().tokenCounter().countTokens(limited("texts", request.getTextsList(), MAX_TEXTS)))
                .build());
    }

    @Override
    public Uni<CompressResponse> compress(CompressRequest request) {
        return call(() -> {
            Compressor compressor = models().compressor();
            if (!compressor.enabled()) {
                throw new FailedPreconditionException("this model service runs without a compressor "
                        + "(lightmem.pre-compress=false); set lightmem.pre-compress=true and lightmem.pre-compressor.* on it");
            }
            double rate = request.getRate() == 0 ? compressor.defaultRate() : request.getRate();
            if (!(rate > 0 && rate <= 1)) {
                throw new InvalidArgumentException("rate", "must be in (0, 1] (or 0 for the service's default), got "
                        + request.getRate());
            }
            CompressResponse.Builder response = CompressResponse.newBuilder();
            for (Compression compression : compressor.compress(limited("texts", request.getTextsList(), MAX_TEXTS), rate)) {
                response.addResults(CompressedText.newBuilder()
                        .setText(compression.text())
                        .setKeptWords(compression.keptWords())
                        .setTotalWords(compression.totalWords())
                        .setFailed(compression.failed()));
            }
            return response.build();
        });
    }

    @Override
    public Uni<ComputeSentenceAttentionResponse> computeSentenceAttention(ComputeSentenceAttentionRequest request) {
        return call(() -> {
            SentenceAttention attention = models().attention().orElseThrow(() -> new FailedPreconditionException(
                    "this model service has no attention model: set lightmem.topic-segmenter.model-path "
                            + "(or lightmem.precomp-topic-shared=true) on it"));
            List<String> sentences = limited("sentences", request.getSentencesList(), MAX_SENTENCES);
            double[][] matrix = attention.of(sentences);
            ComputeSentenceAttentionResponse.Builder response = ComputeSentenceAttentionResponse.newBuilder()
                    .setSentences(sentences.size());
            for (int i = 0; i < sentences.size(); i++) {
                for (int j = 0; j < i; j++) {
                    response.addLowerTriangle(matrix[i][j]);
                }
            }
            return response.build();
        });
    }

    private Models models() {
        return modelsOfThisInstance.get();
    }

    private static List<String> limited(String field, List<String> texts, int max) {
        if (texts.size() > max) {
            throw new InvalidArgumentException(field, "at most " + max + " per request, got " + texts.size());
        }
        return texts;
    }

    /** Every call needs the models scope: what api instances present (their lightmem.models.api-key). */
    private <T> Uni<T> call(Supplier<T> work) {
        return Uni.createFrom().item(() -> {
            callers.require(Permission.MODELS);
            return work.get();
        }).onFailure().transform(GrpcErrors::toStatus);
    }
}
