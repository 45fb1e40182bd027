package io.lightmem.compress;

import java.util.ArrayList;
import java.util.List;

/**
 * Shortens message texts before memory construction by dropping the least informative words
 * (LightMem's {@code pre_compress}; docs/compression.md). Each text is compressed on its own; a text that
 * cannot be compressed comes back unchanged with {@link Compression#failed()} set, never as an
 * exception. Implementations are thread-safe.
 */
public interface Compressor {

    /** Whether this compressor changes texts at all ({@code false}: {@code lightmem.pre-compress=false}). */
    boolean enabled();

    /** The configured fraction of words kept ({@code lightmem.pre-compressor.rate}). */
    double defaultRate();

    /**
     * Compresses texts, each separately, keeping about {@code rate} of each text's words.
     *
     * @param rate fraction of words kept, in (0, 1]
     * @return one result per text, in order
     * @throws IllegalArgumentException if {@code rate} is outside (0, 1]
     * @throws NullPointerException if a text is null (empty content is "", and is left alone)
     */
    List<Compression> compress(List<String> texts, double rate);

    default Compression compress(String text, double rate) {
        return compress(List.of(text), rate).get(0);
    }

    default Compression compress(String text) {
        return compress(text, defaultRate());
    }

    default List<Compression> compress(List<String> texts) {
        return compress(texts, defaultRate());
    }

    /** Texts whose compression failed (and were kept unchanged) since start. */
    long failures();

    static void checkRate(double rate) {
        if (!(rate > 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException("compression rate must be in (0, 1], got " + rate);
        }
    }

    /** The compressor of {@code lightmem.pre-compress=false}: every text stays as it is. */
    Compressor NONE = new Compressor() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public double defaultRate() {
            return 1.0;
        }

        @Override
        public List<Compression> compress(List<String> texts, double rate) {
            checkRate(rate);
            List<Compression> results = new ArrayList<>(texts.size());
            for (String text : texts) {
                results.add(Compression.unchanged(text));
            }
            return results;
        }

        @Override
        public long failures() {
            return 0;
        }

        @Override
        public String toString() {
            return "no pre-compression";
        }
    };
}
