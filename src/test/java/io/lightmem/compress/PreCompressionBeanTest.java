package io.lightmem.compress;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.testing.Conversations;
import io.lightmem.testing.TinyTokenClassifier;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The application with {@code lightmem.pre-compress=true} exposes the LLMLingua-2 compressor as a bean. */
@QuarkusTest
@TestProfile(PreCompressionBeanTest.PreCompressOn.class)
class PreCompressionBeanTest {

    /** pre-compress on, with a generated model (written before the application starts). */
    public static class PreCompressOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                TinyTokenClassifier.Files files = TinyTokenClassifier.builder()
                        .token("Alice", 0.9).token("moved", 0.6).token("to", 0.1).token("Lisbon", 0.8)
                        .token(".", 0.01).token(",", 0.01)
                        .write(Files.createTempDirectory("lightmem-precompress"));
                return Map.of(
                        "lightmem.pre-compress", "true",
                        "lightmem.pre-compressor.model-path", files.model().toString(),
                        "lightmem.pre-compressor.tokenizer-path", files.tokenizer().toString(),
                        "lightmem.pre-compressor.rate", "0.5");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    Compressor compressor;

    @GrpcClient("lightmem")
    MemoryServiceBlockingStub memory;

    @Test
    void theCompressorBeanCompressesWithTheConfiguredRateAndForceTokens() {
        assertThat(compressor.enabled()).isTrue();
        assertThat(compressor.defaultRate()).isEqualTo(0.5);

        Compression compression = compressor.compress("Alice moved to Lisbon.");

        // 4 words -> 2: Alice (.9) and Lisbon (.8); "." is a default force token
        assertThat(compression.text()).isEqualTo("Alice Lisbon.");
        assertThat(compression.failed()).isFalse();
    }

    @Test
    void addedMessagesKeepTheOriginalBesideTheCompressedText() {
        AddMemoryResponse added = memory.addMemory(Conversations.add(Conversations.newUser(),
                Conversations.user("Alice moved to Lisbon.", "2024-03-01T10:00:00")));

        // The none manager stores the message itself; the compressed text is what extraction would read.
        assertThat(added.getEntries(0).getMemory()).isEqualTo("Alice moved to Lisbon.");
        assertThat(added.getEntries(0).getCompressedMemory()).isEqualTo("Alice Lisbon.");
    }
}
