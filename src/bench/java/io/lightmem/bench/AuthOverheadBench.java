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
 * is the overhead. A service with authentication off and one with it on run side by side, and the
 * callers take turns in short blocks, so load from elsewhere on the machine falls on all of them alike.
 *
 * <p>./mvnw -Pbench exec:java -Dexec.mainClass=io.lightmem.bench.AuthOverheadBench [-Dexec.args="calls rounds"]
 * (default 200 calls per block, 25 rounds)
 * with the database of QUARKUS_DATASOURCE_* (deploy/local/bench.sh auth does it).
 */
public final class AuthOverheadBench {

    private static final String BOOTSTRAP = "auth-overhead-bench-bootstrap-key-0123456789";
    private static final String AUDIENCE = "lightmem-bench";

    private AuthOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        try (TokenIssuer issuer = new TokenIssuer();
                PackagedService off = PackagedService.start(Map.of("lightmem.auth.enabled", "false"), "auth-bench-off");
                PackagedService on = PackagedService.start(Map.of(
                        "lightmem.auth.bootstrap-key", BOOTSTRAP,
                        "lightmem.auth.rate-limit.requests-per-second", "0",
                        "lightmem.auth.oidc.enabled", "true",
                        "quarkus.oidc.auth-server-url", issuer.url(),
                        "quarkus.oidc.token.audience", AUDIENCE), "auth-bench-on")) {
            ManagedChannel admin = on.channel();
            String key = Credentials.issue(admin, BOOTSTRAP, "bench", null, List.of("memories:read"));
            admin.shutdownNow();
            String token = issuer.sign(issuer.url(), "bench-user", AUDIENCE, java.time.Instant.now().plusSeconds(7200),
                    Map.of("lightmem_tenant", "bench", "scope", "memories:read"));
            List<Caller> callers = List.of(
                    new Caller("off", off, null),
                    new Caller("bootstrap key", on, BOOTSTRAP),
                    new Caller("API key", on, key),
                    new Caller("OIDC token (RS256)", on, token));
            String markdown = table(run(callers, calls, rounds), calls, rounds) + serverSide(on);
            Path out = Files.createDirectories(Path.of("target/bench"));
            Files.writeString(out.resolve("auth.md"), markdown);
            System.out.println(markdown);
        }
    }

    /** Who calls: a service and the credential sent (null for none). */
    private record Caller(String name, PackagedService service, String credential) {
    }

    /**
     * Per caller and transport, the latencies of calls x rounds GetTimestamps in microseconds. Both services
     * run at once and the callers take turns in blocks of {@code calls}, so load from elsewhere on the
     * machine falls on all of them alike.
     */
    private static Map<String, Map<String, double[]>> run(List<Caller> callers, int calls, int rounds) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<PackagedService, ManagedChannel> channels = new LinkedHashMap<>();
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        try {
            for (int round = -1; round < rounds; round++) {
                for (Caller caller : callers) {
                    ManagedChannel channel = channels.computeIfAbsent(caller.service(),
                            service -> Credentials.channel(service.grpcPort()));
                    MemoryServiceBlockingStub memory = Credentials.bearer(MemoryServiceGrpc.newBlockingStub(channel),
                            caller.credential());
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + caller.service().httpPort() + "/GetTimestamp")).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"));
                    if (caller.credential() != null) {
                        request.header("Authorization", "Bearer " + caller.credential());
                    }
                    HttpRequest post = request.build();
                    List<Double> grpc = samples.computeIfAbsent("grpc " + caller.name(), k -> new ArrayList<>());
                    List<Double> web = samples.computeIfAbsent("http " + caller.name(), k -> new ArrayList<>());
                    for (int i = 0; i < calls; i++) {
                        long start = System.nanoTime();
                        memory.getTimestamp(GetTimestampRequest.getDefaultInstance());
                        long between = System.nanoTime();
                        HttpResponse<String> answer = http.send(post, HttpResponse.BodyHandlers.ofString());
                        long end = System.nanoTime();
                        if (answer.statusCode() != 200) {
                            throw new IllegalStateException(caller.name() + ": HTTP " + answer.statusCode() + " "
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
            for (ManagedChannel channel : channels.values()) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        Map<String, Map<String, double[]>> result = new LinkedHashMap<>();
        for (Caller caller : callers) {
            result.put(caller.name(), Map.of(
                    "grpc", sorted(samples.get("grpc " + caller.name())),
                    "http", sorted(samples.get("http " + caller.name()))));
        }
        return result;
    }

    /** The mean time the service spent checking each kind of credential (its lightmem_authentication timer). */
    private static String serverSide(PackagedService service) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + service.httpPort() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        StringBuilder md = new StringBuilder("\nInside the service (timer lightmem_authentication, accepted requests,"
                + " warm-up included): mean time to check the credential\n\n| credential | requests | mean (µs) |\n"
                + "|---|---|---|\n");
        for (String kind : List.of("bootstrap", "api_key", "token")) {
            double sum = sample(metrics, "lightmem_authentication_seconds_sum", kind);
            double count = sample(metrics, "lightmem_authentication_seconds_count", kind);
            md.append(String.format("| %s | %.0f | %.0f |%n", kind, count, sum / count * 1e6));
        }
        return md.toString();
    }

    private static double sample(String metrics, String name, String kind) {
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$")
                .matcher(metrics);
        while (line.find()) {
            if (line.group(1).contains("credential=\"" + kind + "\"") && line.group(1).contains("outcome=\"accepted\"")) {
                return Double.parseDouble(line.group(2));
            }
        }
        throw new IllegalStateException("no " + name + " for " + kind + " in /q/metrics");
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static String table(Map<String, Map<String, double[]>> results, int calls, int rounds) {
        double[] offGrpc = results.get("off").get("grpc");
        double[] offHttp = results.get("off").get("http");
        StringBuilder md = new StringBuilder();
        md.append(String.format("GetTimestamp, sequential on loopback, %d rounds of %d calls per row, rows taking turns"
                        + " (after one warm-up round); load average %.2f at the end; %d cores, JDK %s.%n%n", rounds, calls,
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
