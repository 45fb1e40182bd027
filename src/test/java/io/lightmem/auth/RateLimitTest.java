package io.lightmem.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lightmem.auth.HttpCalls.Answer;
import io.lightmem.testing.AuthProfile;
import io.lightmem.testing.Credentials;
import io.lightmem.testing.McpHttpClient;
import io.lightmem.testing.McpHttpClient.Refused;
import io.lightmem.v1.GetTimestampRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Each credential gets lightmem.auth.rate-limit.requests-per-second (here 2, in bursts of 5) on every
 * interface: past it, 429 with Retry-After or RESOURCE_EXHAUSTED with retry-after, and other credentials
 * are not slowed down. Bounded loops on loopback.
 */
@QuarkusTest
@TestProfile(RateLimitTest.SlowRate.class)
class RateLimitTest {

    static final int BURST = 5;
    /** Requests sent at most before the limit must have held. */
    static final int BOUND = 40;

    public static class SlowRate extends AuthProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("lightmem.auth.rate-limit.requests-per-second", "2");
            overrides.put("lightmem.auth.rate-limit.burst", Integer.toString(BURST));
            return overrides;
        }
    }

    @ConfigProperty(name = "quarkus.grpc.server.test-port")
    int grpcPort;

    @ConfigProperty(name = "quarkus.http.test-port")
    int httpPort;

    @Test
    void grpcCallsPastTheRateAreRefusedWithWhenToRetry() throws InterruptedException {
        ManagedChannel channel = Credentials.channel(grpcPort);
        try {
            String key = Credentials.issue(channel, AuthProfile.BOOTSTRAP_KEY, "t-" + UUID.randomUUID(), null,
                    List.of("memories:read"));
            MemoryServiceBlockingStub memory = Credentials.bearer(MemoryServiceGrpc.newBlockingStub(channel), key);
            int passed = 0;
            StatusRuntimeException refusal = null;
            for (int i = 0; i < BOUND && refusal == null; i++) {
                try {
                    memory.getTimestamp(GetTimestampRequest.getDefaultInstance());
                    passed++;
                } catch (StatusRuntimeException e) {
                    refusal = e;
                }
            }
            assertThat(refusal).as("refused within " + BOUND + " calls").isNotNull();
            assertThat(refusal.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(passed).isBetween(BURST, BURST + 3);
            long retryAfter = Long.parseLong(refusal.getTrailers().get(
                    Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER)));
            assertThat(retryAfter).isBetween(1L, 2L);

            // Another credential is not slowed down by this one.
            MemoryServiceBlockingStub other = Credentials.bearer(MemoryServiceGrpc.newBlockingStub(channel),
                    Credentials.issue(channel, AuthProfile.BOOTSTRAP_KEY, "t-" + UUID.randomUUID(), null,
                            List.of("memories:read")));
            other.getTimestamp(GetTimestampRequest.getDefaultInstance());

            Thread.sleep(TimeUnit.SECONDS.toMillis(retryAfter));
            memory.getTimestamp(GetTimestampRequest.getDefaultInstance());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void httpAndMcpRequestsPastTheRateGet429WithRetryAfter() throws InterruptedException {
        String key = issue();
        int passed = 0;
        Answer refusal = null;
        for (int i = 0; i < BOUND && refusal == null; i++) {
            Answer answer = HttpCalls.call(httpPort, HttpCalls.named("GetTimestamp"), key, null, null);
            if (answer.status() == 200) {
                passed++;
            } else {
                refusal = answer;
            }
        }
        assertThat(refusal).as("refused within " + BOUND + " requests").isNotNull();
        assertThat(refusal.status()).isEqualTo(429);
        assertThat(refusal.json().path("code").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(Long.parseLong(refusal.header("Retry-After"))).isBetween(1L, 2L);
        assertThat(passed).isBetween(BURST, BURST + 3);

        Thread.sleep(TimeUnit.SECONDS.toMillis(Long.parseLong(refusal.header("Retry-After"))));
        McpHttpClient mcp = McpHttpClient.connect(URI.create("http://127.0.0.1:" + httpPort + "/mcp"),
                Map.of("Authorization", "Bearer " + key));
        Refused refused = null;
        for (int i = 0; i < BOUND && refused == null; i++) {
            try {
                mcp.toolResult("get_timestamp", Map.of());
            } catch (Refused e) {
                refused = e;
            }
        }
        assertThat(refused).as("MCP refused within " + BOUND + " calls").isNotNull();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isNotNull();
    }

    private String issue() {
        Answer created = HttpCalls.post(httpPort, "/CreateApiKey", AuthProfile.BOOTSTRAP_KEY,
                Map.of("Content-Type", "application/json"), "{\"name\": \"rate test\", \"tenant_id\": \"t-"
                        + UUID.randomUUID() + "\", \"scopes\": [\"memories:read\"]}");
        return created.json().path("key").asText();
    }
}
