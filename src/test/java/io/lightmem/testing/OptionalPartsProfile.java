package io.lightmem.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * The application with the optional parts that do not disturb each other switched on at once, so
 * the tests of each share one application start (each profile is a restart of its own):
 * <ul>
 * <li>pre-compression, with a generated LLMLingua-2 classifier (Alice .9, moved .6, to .1, Lisbon .8,
 * in .2, March .7, punctuation .01) at rate 0.5;</li>
 * <li>a generated attention encoder for the topic segmenter, knowing the topics {@link #COOKING} and
 * {@link #CARS} (topic segmentation of added messages stays off);</li>
 * <li>traces exported to a loopback OTLP collector ({@link OtlpReceiver}, injected into the test);</li>
 * <li>a consolidation lock wait of 1 s, so a call finding the user locked is told so quickly;</li>
 * <li>the default time zone Asia/Tokyo, so times written without a zone are Tokyo's (their printed
 * lines are the same as in UTC: a time is printed in the zone it was taken in).</li>
 * </ul>
 * The memory manager is the default {@code none}; the models are written before the application starts.
 */
public class OptionalPartsProfile implements QuarkusTestProfile {

    public static final List<String> COOKING = List.of(
            "Tonight I am making fresh pasta with eggs and flour",
            "The pasta dough should rest thirty minutes before rolling",
            "I will serve it with tomato and basil sauce");
    public static final List<String> CARS = List.of(
            "My car brakes started squeaking on the highway",
            "The mechanic said my brake pads are worn out",
            "New brake pads for the car cost two hundred dollars");

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            TinyTokenClassifier.Files classifier = TinyTokenClassifier.builder()
                    .token("Alice", 0.9).token("moved", 0.6).token("to", 0.1).token("Lisbon", 0.8)
                    .token("in", 0.2).token("March", 0.7).token(".", 0.01).token(",", 0.01)
                    .write(Files.createTempDirectory("lightmem-compressor"));
            TinyTokenClassifier.Files encoder = TinyAttentionEncoder.builder()
                    .topic(COOKING.toArray(String[]::new))
                    .topic(CARS.toArray(String[]::new))
                    .write(Files.createTempDirectory("lightmem-attention"));
            return Map.of(
                    "lightmem.pre-compress", "true",
                    "lightmem.pre-compressor.model-path", classifier.model().toString(),
                    "lightmem.pre-compressor.tokenizer-path", classifier.tokenizer().toString(),
                    "lightmem.pre-compressor.rate", "0.5",
                    "lightmem.topic-segmenter.model-path", encoder.model().toString(),
                    "lightmem.topic-segmenter.tokenizer-path", encoder.tokenizer().toString(),
                    "lightmem.consolidation.lock-timeout", "1s",
                    "lightmem.default-time-zone", "Asia/Tokyo");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OtlpResource.class));
    }
}
