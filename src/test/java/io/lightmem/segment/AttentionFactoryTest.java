package io.lightmem.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.compress.CompressionConfig.PreCompressorConfig;
import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.SentenceAttention;
import io.lightmem.segment.SegmentationConfig.TopicSegmenterConfig;
import io.lightmem.testing.TinyAttentionEncoder;
import io.lightmem.testing.TinyTokenClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code lightmem.topic-segmenter.*} and {@code lightmem.precomp-topic-shared} choose the attention source. */
class AttentionFactoryTest {

    @TempDir
    Path dir;

    record Segmenter(int bufferLen, Optional<String> modelPath, Optional<String> tokenizerPath, List<Integer> layers,
            ExecutionProvider executionProvider, int deviceId, int maxWindowTokens, int intraOpThreads)
            implements TopicSegmenterConfig {

        static Segmenter withoutModel() {
            return new Segmenter(512, Optional.empty(), Optional.empty(), List.of(8, 9, 10, 11), ExecutionProvider.cpu, 0, 512, 0);
        }

        static Segmenter of(TinyTokenClassifier.Files files) {
            return new Segmenter(512, Optional.of(files.model().toString()), Optional.of(files.tokenizer().toString()),
                    List.of(8, 9, 10, 11), ExecutionProvider.cpu, 0, 512, 0);
        }
    }

    record PreCompressor(Optional<String> modelPath, Optional<String> tokenizerPath) implements PreCompressorConfig {

        static PreCompressor of(TinyTokenClassifier.Files files) {
            return new PreCompressor(Optional.of(files.model().toString()), Optional.of(files.tokenizer().toString()));
        }

        static PreCompressor none() {
            return new PreCompressor(Optional.empty(), Optional.empty());
        }

        @Override
        public double rate() {
            return 0.8;
        }

        @Override
        public Optional<List<String>> forceTokens() {
            return Optional.empty();
        }

        @Override
        public ExecutionProvider executionProvider() {
            return ExecutionProvider.cpu;
        }

        @Override
        public int deviceId() {
            return 0;
        }

        @Override
        public int maxWindowTokens() {
            return 512;
        }

        @Override
        public int batchSize() {
            return 8;
        }

        @Override
        public int intraOpThreads() {
            return 0;
        }
    }

    TinyTokenClassifier.Files encoder() {
        return TinyAttentionEncoder.builder().topic("a1 a2 a3").topic("b1 b2 b3").write(dir.resolve("encoder"));
    }

    TinyTokenClassifier.Files classifierWithoutAttentions() {
        return TinyTokenClassifier.builder().token("a1", 0.5).write(dir.resolve("classifier"));
    }

    @Test
    void withoutAModelThereIsNoAttentionSoOnlyFineBoundariesAreUsed() {
        assertThat(AttentionFactory.attention(false, false, Segmenter.withoutModel(), PreCompressor.none())).isEmpty();
    }

    @Test
    void aConfiguredModelIsLoadedAsTheAttentionSource() {
        Optional<SentenceAttention> attention = AttentionFactory.attention(false, false, Segmenter.of(encoder()),
                PreCompressor.none());

        assertThat(attention).containsInstanceOf(OnnxSentenceAttention.class);
        assertThat(attention.orElseThrow().of(List.of("a1 a2 a3", "b1 b2 b3"))).hasDimensions(2, 2);
        ((OnnxSentenceAttention) attention.orElseThrow()).close();
    }

    @Test
    void aConfiguredModelWithoutAttentionsStopsStartUpNamingTheSettings() {
        assertThatThrownBy(() -> AttentionFactory.attention(false, false, Segmenter.of(classifierWithoutAttentions()),
                PreCompressor.none()))
                .hasMessageContaining("lightmem.topic-segmenter.model-path").hasMessageContaining("no attention outputs");
    }

    @Test
    void sharingThePreCompressorsModelNeedsPreCompression() {
        assertThatThrownBy(() -> AttentionFactory.attention(true, false, Segmenter.withoutModel(),
                PreCompressor.of(encoder())))
                .hasMessageContaining("lightmem.precomp-topic-shared=true").hasMessageContaining("lightmem.pre-compress=true");
    }

    @Test
    void sharingUsesThePreCompressorsModelWhichMustAlsoExportAttentions() {
        Optional<SentenceAttention> shared = AttentionFactory.attention(true, true, Segmenter.withoutModel(),
                PreCompressor.of(encoder()));
        assertThat(shared).containsInstanceOf(OnnxSentenceAttention.class);
        ((OnnxSentenceAttention) shared.orElseThrow()).close();

        assertThatThrownBy(() -> AttentionFactory.attention(true, true, Segmenter.withoutModel(),
                PreCompressor.of(classifierWithoutAttentions())))
                .hasMessageContaining("lightmem.pre-compressor.model-path").hasMessageContaining("lightmem.precomp-topic-shared=true")
                .hasMessageContaining("must export attentions as well as logits");
    }

    @Test
    void sharingAndAnOwnModelTogetherAreAmbiguous() {
        assertThatThrownBy(() -> AttentionFactory.attention(true, true, Segmenter.of(encoder()),
                PreCompressor.of(encoder())))
                .hasMessageContaining("leave lightmem.topic-segmenter.model-path and tokenizer-path unset");
    }
}
