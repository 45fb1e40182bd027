package io.lightmem.bench;

import io.grpc.ManagedChannel;
import io.lightmem.testing.Credentials;
import io.lightmem.testing.PackagedService;
import io.lightmem.testing.TokenIssuer;
import io.lightmem.v1.GetTimestampRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What authentication costs per request (BENCHMARKS.md, "Authentication"): the latency of the cheapest
 * call, GetTimestamp, over gRPC and as the HTTP function, sequentially on loopback, with authentication
 * off and with each kind of credential on the same service: the bootstrap key (a hash compare), an API
 * key (a hash and a primary-key lookup in PostgreSQL per request) and an OIDC token (signature,
 * issuer, audience and expiry checked by Quarkus OIDC, its keys fetched once). The difference to "off"
 * is the overhead. Rounds alternate the credentials so drift hits them alike; the off service runs
 * before and after the other, to show the noise between two starts.
 *
 * <p>./mvnw -Pbench exec:java -Dexec.mainClass=io.lightmem.bench.AuthOverheadBench [-Dexec.args="calls rounds"]
 * with the database of QUARKUS_DATASOURCE_* (deploy/local/bench.sh auth does it).
 */
public final class AuthOverheadBench {

    private static final String BOOTSTRAP = "auth-overhead-bench-bootstrap-key-0123456789";
    private static final String AUDIENCE = "lightmem-bench";

    private AuthOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Map<String, Map<String, double[]>> results = new LinkedHashMap<>();
        Map<String, String> off = Map.of("lightmem.auth.enabled", "false");
        results.put("off (first start)", measure(off, Map.of("none", ""), calls, rounds));
        try (TokenIssuer issuer = new TokenIssuer()) {
            Map<String, String> on = Map.of(
                    "lightmem.auth.bootstrap-key", BOOTSTRAP,
                    "lightmem.auth.rate-limit.requests-per-second", "0",
                    "lightmem.auth.oidc.enabled", "true",
                    "quarkus.oidc.auth-server-url", issuer.url(),
                    "quarkus.oidc.token.audience", AUDIENCE);
            String token = issuer.sign(issuer.url(), "bench-user", AUDIENCE, java.time.Instant.now().plusSeconds(7200),
                    Map.of("lightmem_tenant", "bench", "scope", "memories:read"));
            results.putAll(measureOn(on, token, calls, rounds));
        }
        results.put("off (second start)", measure(off, Map.of("none", ""), calls, rounds));
        String markdown = table(results, calls, rounds);
        Path out = Files.createDirectories(Path.of("target/bench"));
        Files.writeString(out.resolve("auth.md"), markdown);
        System.out.println(markdown);
    }

    /** The service with authentication on: an API key is issued first, then every credential measured. */
    private static Map<String, Map<String, double[]>> measureOn(Map<String, String> properties, String token, int calls,
            int rounds) throws Exception {
        try (PackagedService service = PackagedService.start(properties, "auth-bench-on")) {
            ManagedChannel admin = service.channel();
            String key = Credentials.issue(admin, BOOTSTRAP, "bench", null, List.of("memories:read"));
            admin.shutdownNow();
            Map<String, String> credentials = new LinkedHashMap<>();
            credentials.put("bootstrap key", BOOTSTRAP);
            credentials.put("API key", key);
            credentials.put("OIDC token (RS256)", token);
            Map<String, double[]> measured = run(service, credentials, calls, rounds);
            Map<String, Map<String, double[]>> results = new LinkedHashMap<>();
            for (String credential : credentials.keySet()) {
                results.put(credential, Map.of("grpc", measured.get("grpc " + credential),
                        "http", measured.get("http " + credential)));
            }
            return results;
        }
    }

    private static Map<String, double[]> measure(Map<String, String> properties, Map<String, String> credentials,
            int calls, int rounds) throws Exception {
        try (PackagedService service = PackagedService.start(properties, "auth-bench-off")) {
            Map<String, double[]> measured = run(service, credentials, calls, rounds);
            return Map.of("grpc", measured.get("grpc none"), "http", measured.get("http none"));
        }
    }

    /** Per credential and transport, the latencies of calls x rounds GetTimestamps, in microseconds. */
    private static Map<String, double[]> run(PackagedService service, Map<String, String> credentials, int calls,
            int rounds) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ManagedChannel channel = Credentials.channel(service.grpcPort());
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        try {
            for (int round = -1; round < rounds; round++) {
                for (Map.Entry<String, String> credential : credentials.entrySet()) {
                    String secret = credential.getValue().isEmpty() ? null : credential.getValue();
                    MemoryServiceBlockingStub memory = Credentials.bearer(MemoryServiceGrpc.newBlockingStub(channel), secret);
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort()
                            + "/GetTimestamp")).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"));
                    if (secret != null) {
                        request.header("Authorization", "Bearer " + secret);
                    }
                    HttpRequest post = request.build();
                    List<Double> grpc = samples.computeIfAbsent("grpc " + credential.getKey(), k -> new ArrayList<>());
                    List<Double> web = samples.computeIfAbsent("http " + credential.getKey(), k -> new ArrayList<>());
                    for (int i = 0; i < calls; i++) {
                        long start = System.nanoTime();
                        memory.getTimestamp(GetTimestampRequest.getDefaultInstance());
                        long between = System.nanoTime();
                        HttpResponse<String> answer = http.send(post, HttpResponse.BodyHandlers.ofString());
                        long end = System.nanoTime();
                        if (answer.statusCode() != 200) {
                            throw new IllegalStateException(credential.getKey() + ": HTTP " + answer.statusCode() + " "
                                    + answer.body());
                        }
                        if (round >= 0) { // round -1 warms up
                            grpc.add((between - start) / 1e3);
                            web.add((end - between) / 1e3);
                        }
                    }
                }
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        Map<String, double[]> result = new LinkedHashMap<>();
        samples.forEach((name, values) -> result.put(name, values.stream().mapToDouble(Double::doubleValue).sorted().toArray()));
        return result;
    }

    private static String table(Map<String, Map<String, double[]>> results, int calls, int rounds) {
        double[] offGrpc = results.get("off (first start)").get("grpc");
        double[] offHttp = results.get("off (first start)").get("http");
        StringBuilder md = new StringBuilder();
        md.append(String.format("GetTimestamp, sequential on loopback, %d calls x %d rounds per row (after %d warm-up"
                        + " calls); load average %.2f at the end; %d cores, JDK %s.%n%n", calls, rounds, calls,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        md.append("| credential | gRPC p50 (µs) | gRPC mean | gRPC p90 | overhead p50 | HTTP p50 (µs) | HTTP mean | HTTP p90"
                + " | overhead p50 |\n|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((name, byTransport) -> {
            double[] grpc = byTransport.get("grpc");
            double[] web = byTransport.get("http");
            md.append(String.format("| %s | %.0f | %.0f | %.0f | %+.0f | %.0f | %.0f | %.0f | %+.0f |%n", name,
                    percentile(grpc, 50), mean(grpc), percentile(grpc, 90), percentile(grpc, 50) - percentile(offGrpc, 50),
                    percentile(web, 50), mean(web), percentile(web, 90), percentile(web, 50) - percentile(offHttp, 50)));
        });
        return md.toString();
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p / 100.0 * sorted.length))];
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
