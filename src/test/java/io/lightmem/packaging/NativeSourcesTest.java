package io.lightmem.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the native executable of role api was built from and with (target/*-native-image-source-jar
 * and its build statistics, left by {@code mvn package -Dnative}, which deploy/local/test.sh runs
 * before the JVM build): no in-process model, the prompts as resources, the portable instruction set.
 * A full test run requires them ({@code -Dnative-sources-required=true}; a property outside
 * lightmem.*, which the application would reject); a targeted run without them skips this class.
 * Whether the executable works is for the integration tests tagged native (@ApiRoleArtifact).
 */
class NativeSourcesTest {

    static final Path TARGET = Path.of("target");
    /** What only the in-process models need: ONNX Runtime, DJL's tokenizers (a native library) and the model jars. */
    static final List<String> IN_PROCESS_JARS = List.of("onnxruntime", "ai.djl", "langchain4j-embeddings");
    static final List<String> IN_PROCESS_CLASSES = List.of("io/lightmem/model/OnnxModels.class",
            "io/lightmem/model/OnnxEmbedder.class", "io/lightmem/compress/LlmLingua2Compressor.class",
            "io/lightmem/segment/OnnxSentenceAttention.class");

    static Path sources;
    static Path runner;

    @BeforeAll
    static void find() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            sources = files.filter(p -> p.getFileName().toString().endsWith("-native-image-source-jar")).findFirst()
                    .orElse(null);
        }
        if (sources == null) {
            if (Boolean.getBoolean("native-sources-required")) {
                fail("no target/*-native-image-source-jar: the native build did not run before the tests");
            }
            Assumptions.abort("no target/*-native-image-source-jar: run deploy/local/test.sh without arguments to build it");
        }
        try (Stream<Path> files = Files.list(sources)) {
            runner = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst().orElseThrow();
        }
    }

    @Test
    void noInProcessModelIsOnTheImageClassPath() throws IOException {
        List<String> lib;
        try (Stream<Path> jars = Files.list(sources.resolve("lib"))) {
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
    void theImageIsBuiltForEveryX8664Machine() throws IOException {
        String name = runner.getFileName().toString().replace(".jar", "");
        JsonNode stats = new ObjectMapper().readTree(sources.resolve(name + "-build-output-stats.json").toFile());

        assertThat(stats.at("/general_info/graal_compiler/march").asText()).isEqualTo("compatibility");
        assertThat(TARGET.resolve(name)).isExecutable();
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
