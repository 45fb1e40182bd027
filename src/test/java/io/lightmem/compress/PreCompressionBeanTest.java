package io.lightmem.compress;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.testing.Conversations;
import io.lightmem.testing.OptionalPartsProfile;
import io.lightmem.v1.AddMemoryResponse;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The application with {@code lightmem.pre-compress=true} exposes the LLMLingua-2 compressor as a bean
 * (a generated model: OptionalPartsProfile).
 */
@QuarkusTest
@TestProfile(OptionalPartsProfile.class)
class PreCompressionBeanTest {

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
