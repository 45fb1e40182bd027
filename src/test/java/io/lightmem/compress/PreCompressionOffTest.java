package io.lightmem.compress;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** By default ({@code lightmem.pre-compress=false}) the compressor bean leaves texts as they are. */
@QuarkusTest
class PreCompressionOffTest {

    @Inject
    Compressor compressor;

    @Test
    void theDefaultCompressorBeanChangesNothing() {
        assertThat(compressor.enabled()).isFalse();

        Compression compression = compressor.compress("Alice moved to Lisbon.", 0.5);

        assertThat(compression.text()).isEqualTo("Alice moved to Lisbon.");
        assertThat(compression.failed()).isFalse();
    }
}
