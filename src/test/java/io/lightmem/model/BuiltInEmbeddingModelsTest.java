package io.lightmem.model;

import static io.lightmem.testing.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.lightmem.config.ExecutionProvider;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2.E5SmallV2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every built-in model embeds as its jar's own LangChain4j model class does (same ONNX file, that
 * class's pooling) once the model's prefix is put before the text: a query as LangChain4j embeds
 * "{query prefix}{text}", a passage as it embeds "{passage prefix}{text}". A wrong pooling or a
 * missing or misplaced prefix moves the vectors far below the bound. Texts are embedded one at a
 * time, as the reference does: the int8 models quantize activations per batch, so a text's vector
 * moves slightly with its batch-mates (cosine 0.993–0.997 to the single-text vector, measured here).
 */
class BuiltInEmbeddingModelsTest {

    static final List<String> TEXTS = List.of("What did Caroline adopt last spring?",
            "I adopted a cat from the shelter in April.", "ok", "Melanie painted a sunrise over the lake.");

    @ParameterizedTest
    @EnumSource(io.lightmem.model.EmbeddingModel.class)
    void queriesAndPassagesAreEmbeddedAsTheModelsAuthorsTrainedIt(io.lightmem.model.EmbeddingModel model) {
        EmbeddingModel reference = reference(model).get();
        try (OnnxEmbedder embedder = new OnnxEmbedder(model, OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 8, 256)) {
            assertThat(embedder.dimension()).isEqualTo(384);
            for (String text : TEXTS) {
                float[] query = reference.embed(model.prefix(EmbeddingInput.QUERY) + text).content().vector();
                float[] passage = reference.embed(model.prefix(EmbeddingInput.PASSAGE) + text).content().vector();
                assertThat(cosine(embedder.embedQuery(text), query)).as("query %s", text).isGreaterThan(0.9999);
                assertThat(cosine(embedder.embedPassage(text), passage)).as("passage %s", text).isGreaterThan(0.9999);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(io.lightmem.model.EmbeddingModel.class)
    void aLongPassageIsReadInWindowsThatEachCarryTheModelsPrefix(io.lightmem.model.EmbeddingModel model) {
        try (OnnxEmbedder embedder = new OnnxEmbedder(model, OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 8, 256)) {
            int prefix = embedder.countTokens(model.prefix(EmbeddingInput.PASSAGE));
            int windowWords = 256 - 2 - prefix; // [CLS] prefix words [SEP], one token per word
            String first = OnnxEmbedderTest.words(windowWords, "garden", "river", "music", "school", "paint");
            String rest = OnnxEmbedderTest.words(40, "train", "ticket", "station", "city", "night");
            assertThat(embedder.countTokens(first + " " + rest)).isEqualTo(windowWords + 40);

            float[] expected = OnnxEmbedderTest.weightedSum(embedder.embedPassage(first), 256,
                    embedder.embedPassage(rest), 2 + prefix + 40);

            assertThat(cosine(embedder.embedPassage(first + " " + rest), expected)).isGreaterThan(0.9999);
        }
    }

    @ParameterizedTest
    @EnumSource(io.lightmem.model.EmbeddingModel.class)
    void onlyAsymmetricModelsEmbedAQueryOtherwiseThanAPassage(io.lightmem.model.EmbeddingModel model) {
        try (OnnxEmbedder embedder = new OnnxEmbedder(model, OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 8, 256)) {
            double same = cosine(embedder.embedQuery(TEXTS.get(0)), embedder.embedPassage(TEXTS.get(0)));
            if (model == io.lightmem.model.EmbeddingModel.ALL_MINILM_L6_V2) {
                assertThat(same).isGreaterThan(0.9999);
            } else {
                assertThat(same).isLessThan(0.99);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(io.lightmem.model.EmbeddingModel.class)
    void theConfigurationNameSelectsTheModel(io.lightmem.model.EmbeddingModel model) {
        assertThat(io.lightmem.model.EmbeddingModel.valueOf(model.configName().toUpperCase().replace('-', '_')))
                .isEqualTo(model);
    }

    private static Supplier<EmbeddingModel> reference(io.lightmem.model.EmbeddingModel model) {
        return switch (model) {
            case ALL_MINILM_L6_V2 -> AllMiniLmL6V2EmbeddingModel::new;
            case BGE_SMALL_EN_V15 -> BgeSmallEnV15EmbeddingModel::new;
            case BGE_SMALL_EN_V15_Q -> BgeSmallEnV15QuantizedEmbeddingModel::new;
            case E5_SMALL_V2 -> E5SmallV2EmbeddingModel::new;
            case E5_SMALL_V2_Q -> E5SmallV2QuantizedEmbeddingModel::new;
        };
    }
}
