package io.lightmem.testing;

import io.grpc.ManagedChannel;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service (target/quarkus-app) started as its own process on free ports, as an
 * operator starts it: production profile, so authentication is on, with a bootstrap key of its own
 * ({@link #apiKey()}) unless the properties set one. The database comes from the QUARKUS_DATASOURCE_*
 * environment it inherits.
 */
public final class PackagedService implements AutoCloseable {

    private final Process process;
    private final int grpcPort;
    private final int httpPort;
    private final File log;
    private final String apiKey;

    private PackagedService(Process process, int grpcPort, int httpPort, File log, String apiKey) {
        this.process = process;
        this.log = log;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.apiKey = apiKey;
    }

    /** Where the service's log goes. */
    public File log() {
        return log;
    }

    /**
     * Starts the service with these system properties and waits until it reports ready. Ports are
     * free ones unless the properties set quarkus.grpc.server.port / quarkus.http.port.
     */
    public static PackagedService start(Map<String, String> properties, String logName) throws Exception {
        return start(properties, Map.of(), logName, "/q/health/ready");
    }

    /** As {@link #start(Map, String)}, with these environment variables added to the inherited ones. */
    public static PackagedService start(Map<String, String> properties, Map<String, String> environment, String logName)
            throws Exception {
        return start(properties, environment, logName, "/q/health/ready");
    }

    /**
     * Starts the service and waits only until it is alive (/q/health/live), e.g. when what it depends
     * on is away and it is expected to stay unready.
     */
    public static PackagedService launch(Map<String, String> properties, String logName) throws Exception {
        return start(properties, Map.of(), logName, "/q/health/live");
    }

    private static PackagedService start(Map<String, String> properties, Map<String, String> environment,
            String logName, String until)
            throws Exception {
        int grpcPort = properties.containsKey("quarkus.grpc.server.port")
                ? Integer.parseInt(properties.get("quarkus.grpc.server.port")) : freePort();
        int httpPort = properties.containsKey("quarkus.http.port")
                ? Integer.parseInt(properties.get("quarkus.http.port")) : freePort();
        String apiKey = properties.getOrDefault("lightmem.auth.bootstrap-key", "packaged-service-" + UUID.randomUUID());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.grpc.server.port=" + grpcPort, "-Dquarkus.http.port=" + httpPort,
                "-Dlightmem.auth.bootstrap-key=" + apiKey));
        properties.forEach((key, value) -> {
            if (!key.equals("quarkus.grpc.server.port") && !key.equals("quarkus.http.port")
                    && !key.equals("lightmem.auth.bootstrap-key")) {
                command.add("-D" + key + "=" + value);
            }
        });
        command.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar"));
        File log = new File("target/" + logName + "-" + System.nanoTime() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(environment);
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!answers200(httpPort, until)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the packaged service did not answer " + until + "; see " + log);
            }
            Thread.sleep(200);
        }
        return new PackagedService(process, grpcPort, httpPort, log, apiKey);
    }

    /** Its bootstrap key: an administrator of every tenant (and, in role models, the key api instances present). */
    public String apiKey() {
        return apiKey;
    }

    /** A plaintext channel to its gRPC port that presents the bootstrap key with every call. */
    public ManagedChannel channel() {
        return Credentials.channel(grpcPort, apiKey);
    }

    /**
     * An instance in role models serving ModelService on this gRPC port. It needs no database: the only
     * one configured refuses every connection. {@code key} is its bootstrap key, which api instances
     * present (lightmem.models.api-key).
     */
    public static PackagedService startModels(int grpcPort, String key, String logName) throws Exception {
        return start(Map.of(
                "lightmem.role", "models",
                "lightmem.auth.bootstrap-key", key,
                "quarkus.grpc.server.port", Integer.toString(grpcPort),
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/none"), logName);
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** A free port on loopback, e.g. to restart a service where its clients expect it. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Ends the process at once, like kill -9: no shutdown hooks run. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM, as Kubernetes does to a pod it scales away; the process shuts down in its own time. */
    public void terminate() {
        process.destroy();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Whether the process ended within the timeout. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    private static boolean answers200(int httpPort, String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort
                    + path).toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(3000);
            return connection.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
