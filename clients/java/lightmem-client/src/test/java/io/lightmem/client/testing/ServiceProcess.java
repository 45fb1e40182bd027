package io.lightmem.client.testing;

import io.lightmem.client.LightMemClient;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real service: the repository's packaged application (target/quarkus-app, built by the top-level
 * build) started as its own process on free ports, in role all (models in process), against the
 * PostgreSQL of the QUARKUS_DATASOURCE_* environment it inherits (deploy/local/postgres.sh env).
 */
public final class ServiceProcess implements AutoCloseable {

    /** Whether the service authenticates callers: it does (issue 11), so every test runs authenticated. */
    private static final boolean SERVICE_AUTHENTICATES = true;

    private final Process process;
    private final int grpcPort;
    private final String apiKey;
    private final Path log;

    private ServiceProcess(Process process, int grpcPort, String apiKey, Path log) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.apiKey = apiKey;
        this.log = log;
    }

    /** The service with the {@code none} memory manager (each user message is kept as it is) and these properties. */
    public static ServiceProcess start(String name, Map<String, String> properties) throws Exception {
        if (System.getenv("QUARKUS_DATASOURCE_JDBC_URL") == null) {
            throw new IllegalStateException("no database: run the tests with deploy/local/test.sh, or first "
                    + "eval \"$(bash deploy/local/postgres.sh env)\"");
        }
        Path jar = Path.of(System.getProperty("lightmem.repository", "../../.."), "target", "quarkus-app",
                "quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the service first (./mvnw package at the "
                    + "repository's root; deploy/local/test.sh does)");
        }
        int grpcPort = freePort();
        int httpPort = freePort();
        String apiKey = "lm-test-" + UUID.randomUUID();
        Map<String, String> all = new HashMap<>();
        all.put("quarkus.grpc.server.port", String.valueOf(grpcPort));
        all.put("quarkus.http.port", String.valueOf(httpPort));
        all.put("lightmem.role", "all");
        all.put("lightmem.memory-manager.model-name", "none");
        if (SERVICE_AUTHENTICATES) {
            all.put("lightmem.auth.bootstrap-key", apiKey);
        }
        all.putAll(properties);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        all.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        Path log = Path.of("target", "service-" + name + "-" + System.nanoTime() + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!ready(httpPort)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the service did not become ready; see " + log);
            }
            Thread.sleep(100);
        }
        return new ServiceProcess(process, grpcPort, apiKey, log);
    }

    public int grpcPort() {
        return grpcPort;
    }

    /** The key callers present: the service's bootstrap key. */
    public String apiKey() {
        return apiKey;
    }

    /** A client of this service over plaintext, with the API key. */
    public LightMemClient.Builder client() {
        return clientVia(grpcPort);
    }

    /** A client that reaches this service through a port on loopback (e.g. a proxy's), with the API key. */
    public LightMemClient.Builder clientVia(int port) {
        return LightMemClient.builder().target("localhost:" + port).plaintext().bearerToken(apiKey);
    }

    public Path log() {
        return log;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static boolean ready(int httpPort) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort
                    + "/q/health/ready").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            return connection.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
