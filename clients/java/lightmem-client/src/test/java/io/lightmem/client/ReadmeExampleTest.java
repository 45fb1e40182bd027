package io.lightmem.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.lightmem.client.testing.ServiceProcess;
import io.lightmem.client.testing.SharedService;
import io.lightmem.client.testing.Users;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java example, compiled and run as a program exactly as written (only the port and the user
 * differ, so the test's service and database serve it; LIGHTMEM_KEY is the service's key), prints what the
 * README says it prints.
 */
@ExtendWith(SharedService.class)
class ReadmeExampleTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("## Java client\\R.*?```java\\R(.*?)```", Pattern.DOTALL);

    @Test
    void theJavaExampleWorksAsWritten(ServiceProcess service, @TempDir Path work) throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("lightmem.repository"), "README.md"));
        Matcher block = JAVA_BLOCK.matcher(readme);
        assertThat(block.find()).as("a ```java block under '## Java client' in README.md").isTrue();
        String example = block.group(1);
        assertThat(example.lines().filter(line -> !line.isBlank())).as("lines of the example").hasSize(11);
        assertThat(example).containsOnlyOnce("\"localhost:9000\"").contains("\"alice\"")
                .containsOnlyOnce(".bearerToken(System.getenv(\"LIGHTMEM_KEY\"))");

        String user = Users.fresh("readme");
        String imports = example.lines().filter(line -> line.startsWith("import "))
                .collect(Collectors.joining("\n"));
        String body = example.lines().filter(line -> !line.startsWith("import "))
                .collect(Collectors.joining("\n"))
                .replace("\"localhost:9000\"", "\"localhost:" + service.grpcPort() + "\"")
                .replace("\"alice\"", "\"" + user + "\"");
        Path source = work.resolve("ReadmeExample.java");
        Files.writeString(source, imports + "\n\npublic class ReadmeExample {\n"
                + "    public static void main(String[] args) throws Exception {\n" + body + "\n    }\n}\n");
        String classpath = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-classpath", classpath, "-d", work.toString(), source.toString()))
                .as("javac exit code").isZero();

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", work + File.pathSeparator + classpath, "ReadmeExample"));
        ProcessBuilder program = new ProcessBuilder(command).redirectErrorStream(true);
        // As the README's quick start exports it.
        program.environment().put("LIGHTMEM_KEY", service.apiKey());
        Process run = program.start();
        String output = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isZero();

        String line = "2024-01-15T10:30:00.000 Mon My favorite color is blue.";
        assertThat(output.lines().toList()).singleElement().asString().matches("0\\.\\d+ " + Pattern.quote(line));
        assertThat(readme).contains("`0.… " + line + "`");
    }
}
