package io.lightmem.model.remote;

import static io.lightmem.testing.OptionalPartsProfile.CARS;
import static io.lightmem.testing.OptionalPartsProfile.COOKING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.FailedPreconditionException;
import io.lightmem.compress.Compression;
import io.lightmem.compress.Compressor;
import io.lightmem.model.Embedder;
import io.lightmem.model.EmbeddingInput;
import io.lightmem.model.Models;
import io.lightmem.model.TokenCounter;
import io.lightmem.testing.Vectors;
import io.lightmem.segment.LightMemTopicSegmenter;
import io.lightmem.segment.TopicSegmenter;
import io.lightmem.segment.TopicSegmenter.Turn;
import io.lightmem.testing.OptionalPartsProfile;
import io.lightmem.v1.CompressRequest;
import io.lightmem.v1.EmbedRequest;
import io.lightmem.v1.GetModelInfoRequest;
import io.lightmem.v1.GetModelInfoResponse;
import io.lightmem.v1.ModelServiceGrpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The application as its own model service client, over real gRPC on loopback: the remote models
 * (what role api uses) give what the in-process models (roles all and models) give. Every model is
 * on: the embedder, a compressor and an attention encoder (OptionalPartsProfile).
 */
@QuarkusTest
@TestProfile(OptionalPartsProfile.class)
class ModelServiceLoopbackTest {

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    @Inject
    Embedder embedder;

    @Inject
    TokenCounter tokenCounter;

    @Inject
    Compressor compressor;

    @Inject
    TopicSegmenter segmenter;

    /** The models of this instance: in process (role all). */
    @Inject
    Models models;

    RemoteModels remote;

    @BeforeEach
    void connect() {
        remote = new RemoteModels(client(64, 384), 384, true, 0.5);
    }

    @AfterEach
    void disconnect() {
        remote.close();
    }

    ModelServiceClient client(int batchSize, int expectedDims) {
        return new ModelServiceClient(new ModelServiceClient.Settings("127.0.0.1:" + port, Duration.ofSeconds(30), 3,
                Duration.ofMillis(50), Duration.ofMillis(200), batchSize, null),
                new ModelServiceClient.Expectations(expectedDims, true));
    }

    static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of(
                "My favorite color is blue.",
                "",
                "Ich wohne seit März in Lissabon, nahe dem Tejo. 東京にも住んでいました 🙂",
                "word ".repeat(400).strip())); // past the model's 256-token window: read in windows alike
        IntStream.range(0, 96).forEach(i -> texts.add("Sentence number " + i + " is about topic " + (i % 7) + "."));
        return texts;
    }

    @Test
    void remoteVectorsEqualTheInProcessOnes() {
        List<String> texts = texts();

        List<float[]> local = embeddedInBatchesOf(64, texts);
        List<float[]> viaService = remote.embedder().embedPassages(texts);

        assertThat(viaService).hasSameSizeAs(local);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(viaService.get(i)).hasSize(384);
            assertThat(cosine(local.get(i), viaService.get(i))).as("text %d", i).isGreaterThanOrEqualTo(0.9999);
        }
        assertThat(remote.embedder().modelId()).isEqualTo(embedder.modelId()).startsWith("bge-small-en-v1.5-q.onnx@sha256:");
    }

    @Test
    void smallBatchesGiveTheSameVectorsInOrder() {
        List<String> texts = texts().subList(0, 11);
        try (ModelServiceClient small = client(3, 384)) {
            assertThat(TextBatches.of(texts, 3)).hasSize(4);

            List<float[]> viaService = small.embed(texts, EmbeddingInput.PASSAGE);
            List<float[]> local = embeddedInBatchesOf(3, texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(cosine(local.get(i), viaService.get(i))).as("text %d", i).isGreaterThanOrEqualTo(0.9999);
            }
        }
    }

    /**
     * The in-process vectors of the texts in the batches the client sends: the default model is int8, which
     * quantizes activations per batch, so a text's vector moves slightly with its batch-mates.
     */
    List<float[]> embeddedInBatchesOf(int size, List<String> texts) {
        List<float[]> vectors = new ArrayList<>();
        TextBatches.of(texts, size).forEach(batch -> vectors.addAll(embedder.embedPassages(batch)));
        return vectors;
    }

    @Test
    void tokenCountsAreIdentical() {
        List<String> texts = texts();

        assertThat(remote.tokenCounter().countTokens(texts)).isEqualTo(tokenCounter.countTokens(texts));
        assertThat(remote.tokenCounter().countTokens("My favorite color is blue."))
                .isEqualTo(tokenCounter.countTokens("My favorite color is blue."))
                .isPositive();
    }

    @Test
    void compressionIsIdentical() {
        List<String> texts = List.of("Alice moved to Lisbon in March.", "", "Alice, moved\nto Lisbon.",
                "moved to in to in Alice Lisbon March");

        List<Compression> local = compressor.compress(texts, 0.5);
        List<Compression> viaService = remote.compressor().compress(texts, 0.5);

        assertThat(viaService).isEqualTo(local);
        assertThat(viaService.get(0).text()).isEqualTo("Alice Lisbon March.");
        assertThat(remote.compressor().compress(texts.get(0)).text()).isEqualTo(compressor.compress(texts.get(0)).text());
        assertThat(remote.compressor().compress(texts, 1.0)).isEqualTo(compressor.compress(texts, 1.0));
    }

    @Test
    void sentenceAttentionAndTopicBoundariesAreIdentical() {
        List<String> sentences = Stream.concat(COOKING.stream(), CARS.stream()).toList();

        double[][] local = models.attention().orElseThrow().of(sentences);
        double[][] viaService = remote.attention().orElseThrow().of(sentences);

        assertThat(viaService).isDeepEqualTo(local);
        assertThat(local[4][3]).isGreaterThan(0.5); // a car sentence attends to the car sentence before it

        List<Turn> turns = sentences.stream().map(text -> new Turn(text, "")).toList();
        TopicSegmenter remoteSegmenter = new LightMemTopicSegmenter(remote.embedder(), remote.attention());
        assertThat(remoteSegmenter.boundaries(turns)).isEqualTo(segmenter.boundaries(turns)).containsExactly(3);
    }

    @Test
    void theServiceDescribesItsModels() {
        ModelServiceClient.ModelInfo info = remote.client().info();

        assertThat(info.embeddingDimension()).isEqualTo(384);
        assertThat(info.embeddingModelId()).isEqualTo(embedder.modelId());
        assertThat(info.compression()).isTrue();
        assertThat(info.compressionDefaultRate()).isEqualTo(0.5);
        assertThat(info.attention()).isTrue();
        assertThat(remote.availability().up()).isTrue();
        assertThat(remote.availability().data()).containsEntry("embedding.dims", 384)
                .containsEntry("models", "model service at 127.0.0.1:" + port);
    }

    @Test
    void aServiceWithAnotherDimensionIsRefusedBeforeAnyVectorIsUsed() {
        try (ModelServiceClient wrongDims = client(64, 768)) {
            assertThatThrownBy(() -> wrongDims.embed(List.of("hello"), EmbeddingInput.PASSAGE))
                    .isInstanceOf(FailedPreconditionException.class)
                    .hasMessageContaining("into 384 dimensions")
                    .hasMessageContaining("lightmem.text-embedder.dims of this instance (and its database column) is 768");
        }
    }

    @Test
    void invalidRequestsAreRejectedWithTheField() throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            var models = ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);

            StatusRuntimeException rate = catchThrowableOfType(StatusRuntimeException.class,
                    () -> models.compress(CompressRequest.newBuilder().addTexts("Alice moved.").setRate(1.5).build()));
            assertThat(rate.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(rate.getStatus().getDescription()).startsWith("rate: must be in (0, 1]");

            StatusRuntimeException tooMany = catchThrowableOfType(StatusRuntimeException.class,
                    () -> models.embed(EmbedRequest.newBuilder().addAllTexts(Collections.nCopies(1025, "x")).build()));
            assertThat(tooMany.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(tooMany.getStatus().getDescription()).isEqualTo("texts: at most 1024 per request, got 1025");

            GetModelInfoResponse info = models.getModelInfo(GetModelInfoRequest.getDefaultInstance());
            assertThat(info.getRole()).isEqualTo("all");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static double cosine(float[] a, float[] b) {
        return Vectors.cosine(a, b);
    }
}
