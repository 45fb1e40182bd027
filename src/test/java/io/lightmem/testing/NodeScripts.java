package io.lightmem.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scripts of a small committed Node project (package.json + package-lock.json) from a
 * test. Its node_modules are not committed: the first run installs them with {@code npm ci} from
 * the npm registry, and later runs reuse them as long as package-lock.json is unchanged.
 */
public final class NodeScripts {

    /** Holds the hash of the package-lock.json that node_modules was installed from. */
    private static final String STAMP = ".lightmem-installed-lock.sha256";

    private final Path project;

    public NodeScripts(Path project) {
        this.project = project.toAbsolutePath();
    }

    /** Installs node_modules unless it is already installed from the current package-lock.json. */
    public NodeScripts installed() {
        String lockHash = sha256(project.resolve("package-lock.json"));
        Path stamp = project.resolve("node_modules").resolve(STAMP);
        try {
            if (Files.exists(stamp) && Files.readString(stamp).strip().equals(lockHash)) {
                return this;
            }
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), 300);
            if (install.exitCode() != 0) {
                throw new AssertionError("npm ci failed in " + project + " (exit " + install.exitCode() + "):\n"
                        + install.stdout());
            }
            Files.writeString(stamp, lockHash + "\n");
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a script printed on standard output, and its exit code; its standard error goes to the test log. */
    public record Result(int exitCode, String stdout) {
    }

    public Result node(String script, List<String> arguments, int timeoutSeconds) {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(arguments);
        return run(command, timeoutSeconds);
    }

    private Result run(List<String> command, int timeoutSeconds) {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(project.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command.get(0) + " (Node.js 18+ and npm must be on the PATH)",
                    e);
        }
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), stdout.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
