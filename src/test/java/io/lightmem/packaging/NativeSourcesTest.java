package io.lightmem.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native image sources of role api (target/native-sources, from {@code mvn package -Dnative
 * -Dquarkus.native.sources-only=true}, which deploy/local/test.sh runs before the JVM build): no
 * in-process model, and the options chosen for the image. A full test run requires them
 * ({@code -Dnative-sources-required=true}; a property outside lightmem.*, which the application would reject); a targeted run without them skips this class.
 */
class NativeSourcesTest {

    static final Path SOURCES = Path.of("target", "native-sources");
    /** What only the in-process models need: ONNX Runtime, DJL's tokenizers (a native library) and the MiniLM jar. */
    static final List<String> IN_PROCESS_JARS = List.of("onnxruntime", "ai.djl", "langchain4j-embeddings");
    static final List<String> IN_PROCESS_CLASSES = List.of("io/lightmem/model/OnnxModels.class",
            "io/lightmem/model/OnnxEmbedder.class", "io/lightmem/compress/LlmLingua2Compressor.class",
            "io/lightmem/segment/OnnxSentenceAttention.class");

    static List<String> args;
    static Path runner;

    @BeforeAll
    static void read() throws IOException {
        Path argsFile = SOURCES.resolve("native-image.args");
        if (!Files.isRegularFile(argsFile)) {
            if (Boolean.getBoolean("native-sources-required")) {
                fail(argsFile + " is missing: the native build did not run before the tests");
            }
            Assumptions.abort("no " + argsFile + ": run deploy/local/test.sh without arguments to build it");
        }
        args = Arrays.asList(Files.readString(argsFile).strip().split("\\s+"));
        try (Stream<Path> files = Files.list(SOURCES)) {
            runner = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst().orElseThrow();
        }
    }

    @Test
    void noInProcessModelIsOnTheImageClassPath() throws IOException {
        List<String> lib;
        try (Stream<Path> jars = Files.list(SOURCES.resolve("lib"))) {
            lib = jars.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(lib).isNotEmpty().anyMatch(jar -> jar.startsWith("io.grpc.grpc-netty-"));
        try (JarFile jar = new JarFile(runner.toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            for (String marker : IN_PROCESS_JARS) {
                assertThat(lib).as("lib/").noneMatch(name -> name.contains(marker));
                assertThat(classPath).as("Class-Path").doesNotContain(marker);
            }
            for (String inProcess : IN_PROCESS_CLASSES) {
                assertThat(jar.getEntry(inProcess)).as(inProcess).isNull();
            }
            assertThat(jar.getEntry("io/lightmem/model/remote/RemoteModels.class")).isNotNull();
            assertThat(jar.getEntry("io/lightmem/api/grpc/ModelGrpcService.class")).isNotNull();
        }
    }

    @Test
    void theImageIsBuiltWithTheChosenOptions() {
        assertThat(args).contains("--no-fallback", "--link-at-build-time", "-march=compatibility",
                "--enable-native-access=ALL-UNNAMED");
        assertThat(args.get(args.size() - 2)).isEqualTo("-jar");
        assertThat(args.get(args.size() - 1)).isEqualTo(runner.getFileName().toString());
    }

    @Test
    void thePromptsAreResourcesOfTheImage() throws IOException {
        try (JarFile jar = new JarFile(runner.toFile());
                InputStream config = jar.getInputStream(jar.getEntry("META-INF/native-image/resource-config.json"))) {
            assertThat(new String(config.readAllBytes(), StandardCharsets.UTF_8)).contains("prompts/[^/]*\\\\.txt");
            assertThat(jar.getEntry("prompts/extract-facts.v1.system.txt")).isNotNull();
        }
    }
}
