package io.lightmem.model.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lightmem.UnavailableException;
import io.lightmem.model.Embedder;
import io.lightmem.model.EmbeddingInput;
import io.lightmem.testing.FaultyProxy;
import io.lightmem.testing.FaultyProxy.Fault;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model service client against this application's real ModelService behind a proxy that
 * drops or stalls connections: transient faults are retried with backoff, and a service that
 * stays away ends in one clear UnavailableException.
 */
@QuarkusTest
class ModelServiceRetryTest {

    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    @Inject
    Embedder embedder;

    FaultyProxy proxy;
    ModelServiceClient client;

    @BeforeEach
    void start() throws IOException {
        proxy = new FaultyProxy(port);
        client = new ModelServiceClient(new ModelServiceClient.Settings("127.0.0.1:" + proxy.port(),
                Duration.ofMillis(1500), 3, INITIAL_BACKOFF, Duration.ofSeconds(1), 64, null),
                new ModelServiceClient.Expectations(384, false));
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        proxy.close();
    }

    @Test
    void droppedConnectionsAreRetriedUntilTheServiceAnswers() {
        // Down for 150 ms: the first attempts fail; the third (after ~100 + ~200 ms) gets through.
        proxy.failFor(Duration.ofMillis(150), Fault.DROP);

        List<float[]> vectors = client.embed(List.of("My favorite color is blue."), EmbeddingInput.PASSAGE);

        assertThat(ModelServiceLoopbackTest.cosine(vectors.get(0), embedder.embedPassage("My favorite color is blue.")))
                .isGreaterThanOrEqualTo(0.9999);
        // The retry reconnected, instead of failing fast on the channel's own reconnect backoff (1 s).
        assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aServiceThatStaysAwayFailsAfterTheLastAttemptWithBackoffInBetween() {
        proxy.failNext(Integer.MAX_VALUE, Fault.DROP);
        long started = System.nanoTime();

        UnavailableException error = catchThrowableOfType(UnavailableException.class,
                () -> client.embed(List.of("hello"), EmbeddingInput.PASSAGE));

        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(error).hasMessageStartingWith("the model service at 127.0.0.1:" + proxy.port() + " is unavailable: "
                + "GetModelInfo failed 3 times, last with UNAVAILABLE");
        // Two waits: ~100 ms then ~200 ms, each within the +-20% jitter.
        assertThat(elapsedMs).isGreaterThanOrEqualTo((long) (0.8 * 300));
        assertThat(proxy.connections()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aStalledServiceRunsIntoTheDeadlineAndIsRetried() {
        proxy.failNext(1, Fault.STALL);
        long started = System.nanoTime();

        List<Integer> tokens = client.countTokens(List.of("My favorite color is blue."));

        assertThat(tokens).containsExactly(6);
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(Duration.ofMillis(1500).toNanos());
    }

    @Test
    void aStalledServiceThatNeverRecoversEndsInUnavailableNamingTheDeadline() {
        proxy.failNext(Integer.MAX_VALUE, Fault.STALL);

        UnavailableException error = catchThrowableOfType(UnavailableException.class,
                () -> client.countTokens(List.of("hello")));

        assertThat(error).hasMessageContaining("failed 3 times, last with DEADLINE_EXCEEDED");
    }
}
