package io.lightmem.api.grpc;

import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.lightmem.api.grpc.v1.AddMemoryRequest;
import io.lightmem.api.grpc.v1.MemoryServiceGrpc;
import io.lightmem.api.grpc.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.testing.ScriptedLlmServer;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Killing the packaged service in the middle of a conversation loses nothing: the buffered
 * messages wait in PostgreSQL, and the restarted service makes exactly the extraction calls an
 * uninterrupted one makes.
 */
class RestartIT {

    private static final List<String> TURNS = List.of(
            "I just signed up for a pottery class that starts next Tuesday.",
            "My sister Ana is visiting from Porto for the whole of June.",
            "We plan to hike the Seven Hanging Valleys trail together.",
            "I have been learning Portuguese on my commute every morning.",
            "My cat Miso knocked my favourite mug off the desk yesterday.",
            "I finally finished reading The Left Hand of Darkness.",
            "Work has been busy because we are launching the new app in July.",
            "I am thinking about adopting a second cat to keep Miso company.");

    private ScriptedLlmServer llm;
    private Process service;
    private int grpcPort;

    @BeforeEach
    void startLlm() throws IOException {
        llm = new ScriptedLlmServer();
    }

    @AfterEach
    void stopEverything() {
        if (service != null) {
            service.destroyForcibly();
        }
        llm.close();
    }

    @Test
    void aKilledServiceContinuesTheConversationExactlyWhereItStopped() throws Exception {
        String interrupted = newUser();
        String uninterrupted = newUser();

        start();
        int bufferedAtTheKill = addTurns(interrupted, 0, 5);
        assertThat(bufferedAtTheKill).as("messages waiting in the buffer when the service dies").isPositive();
        service.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // like kill -9: no shutdown hooks
        start();
        addTurns(interrupted, 5, TURNS.size());
        List<String> promptsAcrossTheRestart = prompts();

        llm.reset();
        addTurns(uninterrupted, 0, TURNS.size());
        List<String> promptsInOneRun = prompts();

        assertThat(promptsInOneRun).isNotEmpty();
        assertThat(promptsInOneRun.size()).isLessThan(TURNS.size()); // turns were batched, not one call each
        assertThat(promptsAcrossTheRestart).isEqualTo(promptsInOneRun);
    }

    /** Adds the turns one call each; returns the pending message count after the last. */
    private int addTurns(String userId, int from, int to) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        try {
            MemoryServiceBlockingStub memory = MemoryServiceGrpc.newBlockingStub(channel);
            int pending = 0;
            for (int i = from; i < to; i++) {
                pending = memory.withDeadlineAfter(30, TimeUnit.SECONDS).addMemory(AddMemoryRequest.newBuilder()
                        .setUserId(userId)
                        .addMessages(user(TURNS.get(i), "2024-06-%02dT09:00:00".formatted(i + 1)))
                        .setForceExtract(i == TURNS.size() - 1)
                        .build()).getPendingMessages();
            }
            return pending;
        } finally {
            channel.shutdownNow();
        }
    }

    /** The extraction prompts the scripted LLM received, in order; they hold only message text, no user id. */
    private List<String> prompts() {
        List<String> prompts = new ArrayList<>();
        for (JsonNode request : llm.requests()) {
            prompts.add(ScriptedLlmServer.lastUserMessage(request));
        }
        return prompts;
    }

    private void start() throws Exception {
        grpcPort = freePort();
        int httpPort = freePort();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.grpc.server.port=" + grpcPort,
                "-Dquarkus.http.port=" + httpPort,
                // A small budget so eight short turns make several batches.
                "-Dlightmem.extract-threshold=40",
                "-Dlightmem.memory-manager.model-name=openai",
                "-Dlightmem.memory-manager.configs.api-key=sk-test",
                "-Dlightmem.memory-manager.configs.base-url=" + llm.baseUrl(),
                "-jar", "target/quarkus-app/quarkus-run.jar");
        service = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(new File("target/restart-it-" + System.nanoTime() + ".log"))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready(httpPort)) {
            if (!service.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the packaged service did not become ready; see target/restart-it-*.log");
            }
            Thread.sleep(200);
        }
    }

    private static boolean ready(int httpPort) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready")
                    .toURL().openConnection();
            connection.setConnectTimeout(500);
            return connection.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
