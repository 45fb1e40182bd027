package io.lightmem.faults;

import static io.lightmem.testing.Conversations.add;
import static io.lightmem.testing.Conversations.newUser;
import static io.lightmem.testing.Conversations.user;
import static io.lightmem.testing.Probes.code;
import static io.lightmem.testing.Probes.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.lightmem.testing.FaultyProxy;
import io.lightmem.testing.FaultyProxy.Network;
import io.lightmem.testing.PackagedService;
import io.lightmem.testing.Probes;
import io.lightmem.testing.TestDatabase;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The packaged service with a TCP proxy between it and PostgreSQL that fails the way networks and
 * databases fail: refused connections, a blackhole, half-open connections, a slow link. Whatever the
 * database does, a call ends within the configured bounds with OK or UNAVAILABLE (never INTERNAL,
 * never a hang), readiness answers within its bound, and the service recovers on its own once the
 * database answers again. The timeouts are shortened here (socket 3 s, statement 2 s) so the bounds
 * are quick to reach; the defaults and their bounds are in docs/fault-tolerance.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseFaultsIT {

    /** What a probe or call is allowed, well above the service's own bounds (800 ms, 3 s) on a loaded machine. */
    private static final Duration PROBE_BOUND = Duration.ofSeconds(3);
    private static final long CALL_BOUND_SECONDS = 20;
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

    private FaultyProxy proxy;
    private PackagedService service;
    private ManagedChannel channel;
    private final String userId = newUser();

    @BeforeAll
    void start() throws Exception {
        proxy = new FaultyProxy(TestDatabase.server().getPort());
        service = PackagedService.start(Map.of(
                "quarkus.datasource.jdbc.url", TestDatabase.urlThrough(proxy.port(), ""),
                "quarkus.datasource.jdbc.additional-jdbc-properties.socketTimeout", "3",
                "quarkus.datasource.jdbc.additional-jdbc-properties.connectTimeout", "2",
                "quarkus.datasource.jdbc.login-timeout", "2S",
                "quarkus.datasource.jdbc.additional-jdbc-properties.options",
                "-c statement_timeout=2s -c lock_timeout=2s -c idle_in_transaction_session_timeout=10s",
                "quarkus.datasource.jdbc.foreground-validation-interval", "1S",
                "quarkus.datasource.jdbc.background-validation-interval", "2S",
                "quarkus.datasource.jdbc.validation-query-timeout", "1S"), "database-faults-it");
        channel = service.channel();
        memory().addMemory(add(userId, user("I keep two beehives on the roof.", "2024-05-01T08:00:00"),
                user("My brother Tomas repairs old radios.", "2024-05-02T08:00:00")));
    }

    @AfterEach
    void heal() throws Exception {
        proxy.slowDown(Duration.ZERO);
        proxy.set(Network.UP);
        assertThat(eventually(RECOVERY_BOUND, this::retrieveSucceeds)).as("calls succeed again").isTrue();
        assertThat(eventually(RECOVERY_BOUND, () -> readiness() == 200)).as("ready again").isTrue();
    }

    @AfterAll
    void stop() throws Exception {
        channel.shutdownNow();
        service.close();
        proxy.close();
    }

    @Test
    void refusedConnectionsFailCallsAsUnavailableAtOnceAndTheServiceRecovers() throws Exception {
        proxy.set(Network.REFUSE);

        assertThat(callsDuringTheFault(3)).containsOnly(Status.Code.UNAVAILABLE);
        assertThat(eventually(RECOVERY_BOUND, () -> readiness() == 503)).as("unready while refused").isTrue();
    }

    @Test
    void aBlackholedDatabaseFailsCallsAsUnavailableWithinTheTimeouts() throws Exception {
        proxy.set(Network.BLACKHOLE);

        assertThat(callsDuringTheFault(3)).containsOnly(Status.Code.UNAVAILABLE);
        assertThat(eventually(RECOVERY_BOUND, () -> readiness() == 503)).as("unready while blackholed").isTrue();
    }

    @Test
    void callsOnConnectionsThatWentHalfOpenEndWithinTheSocketTimeoutAndFreshOnesTakeOver() throws Exception {
        // Calls in flight, their queries held up on the way, when the connections go half-open.
        proxy.slowDown(Duration.ofMillis(1500));
        List<CompletableFuture<Status.Code>> inFlight = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inFlight.add(CompletableFuture.supplyAsync(() -> code(this::retrieve)));
        }
        Thread.sleep(500);
        proxy.set(Network.HALF_OPEN);
        proxy.slowDown(Duration.ZERO);

        // Each ends UNAVAILABLE after the socket timeout, not at the client's deadline (DEADLINE_EXCEEDED).
        for (CompletableFuture<Status.Code> call : inFlight) {
            assertThat(call.get(60, TimeUnit.SECONDS)).isIn(Status.Code.OK, Status.Code.UNAVAILABLE);
        }
        // Dead pooled connections are found and replaced: calls succeed again, no restart, no manual flush.
        List<Status.Code> outcomes = new ArrayList<>();
        assertThat(eventually(RECOVERY_BOUND, () -> {
            Status.Code outcome = code(this::retrieve);
            outcomes.add(outcome);
            return outcome == Status.Code.OK;
        })).as("calls succeed again on fresh connections: " + outcomes).isTrue();
        assertThat(outcomes).isSubsetOf(Status.Code.OK, Status.Code.UNAVAILABLE);
    }

    @Test
    void aSlowLinkSlowsCallsDownButFailsNone() throws Exception {
        proxy.slowDown(Duration.ofMillis(100));

        assertThat(callsDuringTheFault(3)).containsOnly(Status.Code.OK);
        assertThat(readiness()).isIn(200, 503);
    }

    /** Makes retrieve calls while probing readiness, which must answer within its bound every time. */
    private List<Status.Code> callsDuringTheFault(int calls) {
        List<Status.Code> outcomes = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            outcomes.add(code(this::retrieve));
            assertThat(readiness()).as("readiness answered within " + PROBE_BOUND).isIn(200, 503);
        }
        return outcomes;
    }

    private int readiness() {
        return Probes.get(service.httpPort(), "/q/health/ready", PROBE_BOUND);
    }

    private boolean retrieveSucceeds() {
        return code(this::retrieve) == Status.Code.OK;
    }

    private void retrieve() {
        memory().retrieve(RetrieveRequest.newBuilder().setUserId(userId).setQuery("radios").build());
    }

    /** A call that does not end within the bound fails the test with DEADLINE_EXCEEDED. */
    private MemoryServiceBlockingStub memory() {
        return MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_BOUND_SECONDS, TimeUnit.SECONDS);
    }
}
