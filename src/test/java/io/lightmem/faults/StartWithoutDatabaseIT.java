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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Started while its database is away, the service stays up and unready (it does not exit), turns
 * calls away as UNAVAILABLE, and once the database answers it migrates the schema and serves. Here
 * the "fresh database" is a new, empty schema of the test database.
 */
class StartWithoutDatabaseIT {

    private static final Duration PROBE_BOUND = Duration.ofSeconds(3);

    @Test
    void aServiceStartedWithoutItsDatabaseStaysUpUnreadyAndMigratesWhenItComes() throws Exception {
        String schema = "lightmem_fault_start_" + UUID.randomUUID().toString().substring(0, 8);
        TestDatabase.execute("CREATE SCHEMA " + schema);
        try (FaultyProxy proxy = new FaultyProxy(TestDatabase.server().getPort())) {
            proxy.set(Network.REFUSE);
            PackagedService service = PackagedService.launch(Map.of("quarkus.datasource.jdbc.url",
                    TestDatabase.urlThrough(proxy.port(), "currentSchema=" + schema + ",public")), "start-without-db-it");
            ManagedChannel channel = service.channel();
            try {
                MemoryServiceBlockingStub memory = MemoryServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(20, TimeUnit.SECONDS);
                String userId = newUser();
                assertThat(Probes.get(service.httpPort(), "/q/health/live", PROBE_BOUND)).isEqualTo(200);
                assertThat(Probes.get(service.httpPort(), "/q/health/ready", PROBE_BOUND)).isEqualTo(503);
                assertThat(code(() -> memory.addMemory(add(userId, user("I grow chillies.", "2024-05-01T08:00:00")))))
                        .isEqualTo(Status.Code.UNAVAILABLE);

                proxy.set(Network.UP);

                assertThat(eventually(Duration.ofSeconds(60),
                        () -> Probes.get(service.httpPort(), "/q/health/ready", PROBE_BOUND) == 200))
                        .as("ready once the database answers").isTrue();
                assertThat(TestDatabase.count("SELECT count(*) FROM information_schema.tables WHERE table_schema = ?"
                        + " AND table_name = 'memory_entry'", schema)).as("migrated into the new schema").isEqualTo(1);
                memory.withDeadlineAfter(20, TimeUnit.SECONDS)
                        .addMemory(add(userId, user("I grow chillies.", "2024-05-01T08:00:00")));
                assertThat(memory.withDeadlineAfter(20, TimeUnit.SECONDS).retrieve(RetrieveRequest.newBuilder()
                        .setUserId(userId).setQuery("chillies").build()).getFormattedList())
                        .containsExactly("2024-05-01T08:00:00.000 Wed I grow chillies.");
            } finally {
                channel.shutdownNow();
                service.close();
            }
        } finally {
            TestDatabase.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
