package io.lightmem.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.lightmem.testing.AuthProfile;
import io.lightmem.testing.Conversations;
import io.lightmem.testing.Credentials;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.RetrieveResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The README's grpcurl example, parsed as grpcurl would and sent to the service as it runs in
 * production (authentication on; $LIGHTMEM_KEY is the bootstrap key), gives what the README says.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
class ReadmeExampleTest {

    private static final Pattern GRPCURL = Pattern.compile("grpcurl -plaintext -H \"authorization: Bearer \\$LIGHTMEM_KEY\""
            + "\\s*\\\\?\\s*-d '((?:[^']|'\\\\'')*)'\\s*\\\\?\\s*localhost:9000 lightmem\\.v1\\.MemoryService/(\\w+)");

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int port;

    @Test
    void quickStartCallsWorkAsDocumented() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String[]> calls = new ArrayList<>();
        Matcher call = GRPCURL.matcher(readme);
        while (call.find()) {
            calls.add(new String[] {call.group(2), call.group(1).replace("'\\''", "'")});
        }
        assertThat(calls).extracting(c -> c[0]).containsExactly("AddMemory", "Retrieve");
        // A fresh scope instead of the README's "alice", so reruns against one database stay independent.
        String userId = Conversations.newUser();
        ManagedChannel channel = Credentials.channel(port, AuthProfile.BOOTSTRAP_KEY);
        try {
            MemoryServiceBlockingStub memory = MemoryServiceGrpc.newBlockingStub(channel);
            AddMemoryRequest.Builder add = AddMemoryRequest.newBuilder();
            JsonFormat.parser().merge(calls.get(0)[1], add);
            memory.addMemory(add.setUserId(userId).build());
            RetrieveRequest.Builder retrieve = RetrieveRequest.newBuilder();
            JsonFormat.parser().merge(calls.get(1)[1], retrieve);
            RetrieveResponse found = memory.retrieve(retrieve.setUserId(userId).build());

            String expected = "2024-01-15T10:30:00.000 Mon My favorite color is blue.";
            assertThat(readme).contains("(`" + expected + "`)");
            assertThat(found.getFormatted(0)).isEqualTo(expected);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
