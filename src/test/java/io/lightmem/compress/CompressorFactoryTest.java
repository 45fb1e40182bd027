package io.lightmem.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.compress.CompressionConfig.PreCompressorConfig;
import io.lightmem.config.ExecutionProvider;
import io.lightmem.testing.TinyTokenClassifier;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code lightmem.pre-compress} and {@code lightmem.pre-compressor.*} turn into a compressor. */
class CompressorFactoryTest {

    @TempDir
    Path dir;

    record Settings(Optional<String> modelPath, Optional<String> tokenizerPath, double rate,
            Optional<List<String>> forceTokens, ExecutionProvider executionProvider, int deviceId,
            int maxWindowTokens, int batchSize, int intraOpThreads) implements PreCompressorConfig {

        static Settings of(TinyTokenClassifier.Files files) {
            return new Settings(Optional.of(files.model().toString()), Optional.of(files.tokenizer().toString()), 0.5,
                    Optional.of(List.of("\\n", ".")), ExecutionProvider.cpu, 0, 512, 8, 1);
        }

        Settings withModelPath(Optional<String> path) {
            return new Settings(path, tokenizerPath, rate, forceTokens, executionProvider, deviceId, maxWindowTokens,
                    batchSize, intraOpThreads);
        }

        Settings withTokenizerPath(Optional<String> path) {
            return new Settings(modelPath, path, rate, forceTokens, executionProvider, deviceId, maxWindowTokens,
                    batchSize, intraOpThreads);
        }

        Settings withProvider(ExecutionProvider provider) {
            return new Settings(modelPath, tokenizerPath, rate, forceTokens, provider, deviceId, maxWindowTokens,
                    batchSize, intraOpThreads);
        }
    }

    TinyTokenClassifier.Files files() {
        return TinyTokenClassifier.builder().token("Alice", 0.9).token("to", 0.1).token("Lisbon", 0.8)
                .token(".", 0.01).write(dir);
    }

    @Test
    void preCompressOffGivesTheCompressorThatChangesNothing() {
        Compressor compressor = CompressorFactory.create(false, Settings.of(files()).withModelPath(Optional.empty()));

        assertThat(compressor).isSameAs(Compressor.NONE);
        assertThat(compressor.enabled()).isFalse();
        Compression compression = compressor.compress("Alice went to Lisbon.", 0.5);
        assertThat(compression.text()).isEqualTo("Alice went to Lisbon.");
        assertThat(compression.keptWords()).isEqualTo(compression.totalWords()).isEqualTo(4);
        assertThat(compression.failed()).isFalse();
    }

    @Test
    void preCompressOnLoadsTheConfiguredModel() {
        Compressor compressor = CompressorFactory.create(true, Settings.of(files()));
        try {
            assertThat(compressor.enabled()).isTrue();
            assertThat(compressor.defaultRate()).isEqualTo(0.5);
            assertThat(compressor.compress("Alice to Lisbon.").text()).isEqualTo("Alice Lisbon.");
        } finally {
            ((LlmLingua2Compressor) compressor).close();
        }
    }

    @Test
    void preCompressOnWithoutModelFilesFailsNamingTheSetting() {
        Settings settings = Settings.of(files());

        assertThatThrownBy(() -> CompressorFactory.create(true, settings.withModelPath(Optional.empty())))
                .hasMessageContaining("lightmem.pre-compressor.model-path is required when lightmem.pre-compress=true");
        assertThatThrownBy(() -> CompressorFactory.create(true, settings.withTokenizerPath(Optional.of(" "))))
                .hasMessageContaining("lightmem.pre-compressor.tokenizer-path is required when lightmem.pre-compress=true");
        assertThatThrownBy(() -> CompressorFactory.create(true, settings.withModelPath(Optional.of("/nonexistent/model.onnx"))))
                .hasMessageContaining("lightmem.pre-compressor")
                .hasMessageContaining("/nonexistent/model.onnx");
    }

    @Test
    void cudaOnThisCpuOnlyMachineFailsClearly() {
        assertThatThrownBy(() -> CompressorFactory.create(true, Settings.of(files()).withProvider(ExecutionProvider.cuda)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lightmem.pre-compressor")
                .hasMessageContaining("execution provider cuda is not available")
                .hasMessageContaining("onnxruntime_gpu");
    }

    @Test
    void forceTokenEscapesNameNewlinesAndTabs() {
        assertThat(CompressorFactory.forceTokens(List.of("\\n", "\\t", ".", "\\\\", "\\,", "\n")))
                .containsExactly("\n", "\t", ".", "\\", ",", "\n");
    }

    @Test
    void defaultsAreOffRateEightTenthsAWindowOf512AndNewlineWithSentencePunctuationForced() {
        CompressionConfig config = mapping(Map.of());

        assertThat(config.preCompress()).isFalse();
        PreCompressorConfig compressor = config.preCompressor();
        assertThat(compressor.rate()).isEqualTo(0.8);
        assertThat(compressor.maxWindowTokens()).isEqualTo(512);
        assertThat(compressor.executionProvider()).isEqualTo(ExecutionProvider.cpu);
        assertThat(compressor.modelPath()).isEmpty();
        assertThat(CompressorFactory.forceTokens(compressor.forceTokens().orElseThrow()))
                .containsExactly("\n", ".", "!", "?", ",");
    }

    @Test
    void forceTokensCanBeConfiguredOrEmptied() {
        assertThat(CompressorFactory.forceTokens(mapping(Map.of("lightmem.pre-compressor.force-tokens", "\\\\n,?,;"))
                .preCompressor().forceTokens().orElseThrow())).containsExactly("\n", "?", ";");
        assertThat(mapping(Map.of("lightmem.pre-compressor.force-tokens", "")).preCompressor().forceTokens()).isEmpty();
    }

    private static CompressionConfig mapping(Map<String, String> properties) {
        // Durations as Quarkus reads them ("60s"), as in the application.
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withConverter(Duration.class, 200, new DurationConverter()).withMapping(CompressionConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
        return config.getConfigMapping(CompressionConfig.class);
    }
}
