package io.lightmem.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.segment.TopicSegmenter.Turn;
import io.lightmem.testing.TinyAttentionEncoder;
import io.lightmem.testing.TinyTokenClassifier;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The application with {@code lightmem.precomp-topic-shared=true}: the topic segmenter bean takes
 * its attention from the pre-compressor's model (one generated encoder giving logits and attentions).
 */
@QuarkusTest
@TestProfile(SharedAttentionBeanTest.SharedModel.class)
class SharedAttentionBeanTest {

    /** The encoder of LightMemTopicSegmenterTest, written before the application starts. */
    public static class SharedModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                TinyTokenClassifier.Files files = TinyAttentionEncoder.builder()
                        .topic(LightMemTopicSegmenterTest.COOKING.toArray(String[]::new))
                        .topic(LightMemTopicSegmenterTest.CARS_THEN_GARDEN.toArray(String[]::new))
                        .write(Files.createTempDirectory("lightmem-shared-attention"));
                return Map.of(
                        "lightmem.topic-segment", "true",
                        "lightmem.pre-compress", "true",
                        "lightmem.pre-compressor.model-path", files.model().toString(),
                        "lightmem.pre-compressor.tokenizer-path", files.tokenizer().toString(),
                        "lightmem.precomp-topic-shared", "true");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    TopicSegmenter segmenter;

    @Test
    void theSegmenterBeanUsesThePreCompressorsAttention() {
        List<Turn> turns = Stream.concat(LightMemTopicSegmenterTest.COOKING.stream(),
                LightMemTopicSegmenterTest.CARS_THEN_GARDEN.stream()).map(text -> new Turn(text, "")).toList();

        // Fine boundaries alone would be [3, 8] (LightMemTopicSegmenterTest); the coarse one at 4 drops 8.
        assertThat(segmenter.boundaries(turns)).containsExactly(3);
    }
}
