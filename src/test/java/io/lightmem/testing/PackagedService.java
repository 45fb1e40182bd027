package io.lightmem.testing;

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
import java.util.concurrent.TimeUnit;

/**
 * The packaged service (target/quarkus-app) started as its own process on free ports, as an
 * operator starts it. The database comes from the QUARKUS_DATASOURCE_* environment it inherits.
 */
public final class PackagedService implements AutoCloseable {

    private final Process process;
    private final int grpcPort;
    private final int httpPort;

    private PackagedService(Process process, int grpcPort, int httpPort) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
    }

    /**
     * Starts the service with these system properties and waits until it reports ready. Ports are
     * free ones unless the properties set quarkus.grpc.server.port / quarkus.http.port.
     */
    public static PackagedService start(Map<String, String> properties, String logName) throws Exception {
        int grpcPort = properties.containsKey("quarkus.grpc.server.port")
                ? Integer.parseInt(properties.get("quarkus.grpc.server.port")) : freePort();
        int httpPort = properties.containsKey("quarkus.http.port")
                ? Integer.parseInt(properties.get("quarkus.http.port")) : freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.grpc.server.port=" + grpcPort, "-Dquarkus.http.port=" + httpPort));
        properties.forEach((key, value) -> {
            if (!key.equals("quarkus.grpc.server.port") && !key.equals("quarkus.http.port")) {
                command.add("-D" + key + "=" + value);
            }
        });
        command.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar"));
        File log = new File("target/" + logName + "-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!ready(httpPort)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the packaged service did not become ready; see " + log);
            }
            Thread.sleep(200);
        }
        return new PackagedService(process, grpcPort, httpPort);
    }

    /**
     * An instance in role models serving ModelService on this gRPC port. It needs no database: the only
     * one configured refuses every connection.
     */
    public static PackagedService startModels(int grpcPort, String logName) throws Exception {
        return start(Map.of(
                "lightmem.role", "models",
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

    private static boolean ready(int httpPort) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort
                    + "/q/health/ready").toURL().openConnection();
            connection.setConnectTimeout(500);
            return connection.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
