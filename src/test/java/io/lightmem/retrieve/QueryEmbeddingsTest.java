package io.lightmem.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.Embedder;
import io.lightmem.model.EmbeddingInput;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache of query vectors, over real models on ONNX Runtime. */
class QueryEmbeddingsTest {

    static OnnxEmbedder miniLm;
    /** A second model: the same network under another file, so another model id. */
    static OnnxEmbedder other;

    @BeforeAll
    static void load(@TempDir Path directory) throws IOException {
        miniLm = new OnnxEmbedder(OnnxEmbedder.ModelFiles.builtIn(), OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 4, 256);
        Path model = directory.resolve("other-model.onnx");
        Path tokenizer = directory.resolve("other-tokenizer.json");
        copyResource(OnnxEmbedder.BUILT_IN_MODEL, model);
        copyResource(OnnxEmbedder.BUILT_IN_TOKENIZER, tokenizer);
        other = new OnnxEmbedder(OnnxEmbedder.ModelFiles.of(model, tokenizer), OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 4, 256);
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
    }

    @AfterAll
    static void close() {
        miniLm.close();
        other.close();
    }

    /** The embedder of the service, whose model can be replaced while it runs (as a model service's can). */
    static final class Replaceable implements Embedder {
        volatile Embedder current;

        Replaceable(Embedder current) {
            this.current = current;
        }

        @Override
        public int dimension() {
            return current.dimension();
        }

        @Override
        public String modelId() {
            return current.modelId();
        }

        @Override
        public List<float[]> embed(List<String> texts, EmbeddingInput input) {
            return current.embed(texts, input);
        }
    }

    private final MeterRegistry registry = new SimpleMeterRegistry();

    private double count(String cache) {
        return registry.get("lightmem.query.embeddings").tag("cache", cache).counter().count();
    }

    @Test
    void aRepeatedQuestionIsServedFromTheCacheWithTheSameVector() {
        QueryEmbeddings queries = new QueryEmbeddings(miniLm, 16, registry);

        float[] first = queries.embed("Where did Caroline go hiking?");
        float[] second = queries.embed("Where did Caroline go hiking?");

        assertThat(second).containsExactly(miniLm.embedQuery("Where did Caroline go hiking?"));
        assertThat(first).containsExactly(second);
        assertThat(count("miss")).isEqualTo(1);
        assertThat(count("hit")).isEqualTo(1);
    }

    @Test
    void aCallerChangingItsVectorDoesNotChangeTheCachedOne() {
        QueryEmbeddings queries = new QueryEmbeddings(miniLm, 16, registry);
        float[] expected = miniLm.embedQuery("What does Melanie paint?");

        float[] vector = queries.embed("What does Melanie paint?");
        vector[0] = 42;

        assertThat(queries.embed("What does Melanie paint?")).containsExactly(expected);
    }

    @Test
    void theCacheHoldsAtMostItsCapacityAndLetsTheLeastRecentlyUsedGo() {
        QueryEmbeddings queries = new QueryEmbeddings(miniLm, 2, registry);
        queries.embed("first question");
        queries.embed("second question");
        queries.embed("first question"); // now the most recently used
        queries.embed("third question"); // pushes out "second question"

        assertThat(queries.size()).isEqualTo(2);
        double misses = count("miss");
        queries.embed("first question");
        assertThat(count("miss")).as("still cached").isEqualTo(misses);
        queries.embed("second question");
        assertThat(count("miss")).as("let go, embedded again").isEqualTo(misses + 1);
    }

    @Test
    void afterTheModelChangesTheSameQuestionIsEmbeddedByTheNewModel() {
        Replaceable embedder = new Replaceable(miniLm);
        QueryEmbeddings queries = new QueryEmbeddings(embedder, 16, registry);
        queries.embed("When did Jon adopt a cat?");
        assertThat(miniLm.modelId()).isNotEqualTo(other.modelId());

        embedder.current = other;
        float[] vector = queries.embed("When did Jon adopt a cat?");

        assertThat(count("miss")).as("not served from the first model's entry").isEqualTo(2);
        assertThat(vector).containsExactly(other.embedQuery("When did Jon adopt a cat?"));
        embedder.current = miniLm;
        queries.embed("When did Jon adopt a cat?");
        assertThat(count("hit")).as("each model's entry is its own").isEqualTo(1);
    }

    @Test
    void aVectorComputedWhileTheModelChangedIsNotKept() {
        Replaceable embedder = new Replaceable(miniLm);
        Embedder changingMidway = new Embedder() {
            @Override
            public int dimension() {
                return embedder.dimension();
            }

            @Override
            public String modelId() {
                return embedder.modelId();
            }

            @Override
            public List<float[]> embed(List<String> texts, EmbeddingInput input) {
                List<float[]> vectors = embedder.embed(texts, input);
                embedder.current = other; // the model service was replaced during the call
                return vectors;
            }
        };
        QueryEmbeddings queries = new QueryEmbeddings(changingMidway, 16, registry);

        queries.embed("Who went kayaking in Lisbon?");

        assertThat(queries.size()).isZero();
    }

    @Test
    void capacityZeroEmbedsEveryQuery() {
        QueryEmbeddings queries = new QueryEmbeddings(miniLm, 0, registry);
        queries.embed("Who baked sourdough bread?");
        queries.embed("Who baked sourdough bread?");

        assertThat(count("miss")).isEqualTo(2);
        assertThat(count("hit")).isZero();
        assertThat(queries.size()).isZero();
    }
}
