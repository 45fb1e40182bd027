package io.lightmem.bench;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.lightmem.testing.Credentials;
import io.lightmem.testing.PackagedService;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.Message;
import io.lightmem.v1.RetrieveRequest;
import io.lightmem.v1.Role;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Role api as the native executable and as the JVM jar, on this machine in one run (BENCHMARKS.md,
 * "Native executable vs JVM"): time from exec to readiness and to the first successful gRPC
 * Retrieve, a Knative-like start from zero (exec, readiness probed every 10 ms as the activator
 * probes a new pod, then the request it held back), RSS at readiness and after a fixed workload, and
 * the size of each artifact. Both use one model service (a JVM instance in role models started
 * here) and the database of QUARKUS_DATASOURCE_*. Starts alternate between the two so that the
 * machine's load falls on both alike; times are medians.
 * Options: --runner (the native executable), --jar (target/quarkus-app/quarkus-run.jar),
 * --starts (5 per variant and measure), --workload (200 AddMemory + 200 Retrieve), --out (target/bench).
 */
public final class NativeStartBench {

    private static final String MODELS_KEY = "bench-models-" + java.util.UUID.randomUUID();
    private static final String API_KEY = "bench-native-" + java.util.UUID.randomUUID();

    private static final String USER = "bench-native-start";
    private static final long POLL_MS = 10;
    private static final long START_TIMEOUT_MS = 120_000;

    /** How one variant is started. */
    record Variant(String name, List<String> command, Path artifact) {
    }

    /** What one start measured, in milliseconds from exec (0 when the measure did not apply). */
    record Start(double readyMs, double firstRetrieveMs, double firstRequestAfterReadyMs, long rssAtReadyKb) {
    }

    private final int modelsPort;

    private NativeStartBench(int modelsPort) {
        this.modelsPort = modelsPort;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Path runner = Path.of(args.get("runner", findRunner()));
        Path jar = Path.of(args.get("jar", "target/quarkus-app/quarkus-run.jar"));
        int starts = args.getInt("starts", 5);
        int workload = args.getInt("workload", 200);
        String loadBefore = loadAverage();
        List<Variant> variants = List.of(
                new Variant("native", List.of(runner.toAbsolutePath().toString()), runner),
                new Variant("jvm", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar", jar.toString()), jar.getParent()));
        int modelsPort = PackagedService.freePort();
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        try (PackagedService models = PackagedService.startModels(modelsPort, MODELS_KEY, "bench-native-models")) {
            NativeStartBench bench = new NativeStartBench(modelsPort);
            for (Variant variant : variants) {
                results.put(variant.name(), new LinkedHashMap<>());
                bench.warmUp(variant); // file cache, schema, and the memories the measured Retrieves find
            }
            Map<String, List<Start>> retrying = new LinkedHashMap<>();
            Map<String, List<Start>> knative = new LinkedHashMap<>();
            for (int i = 0; i < starts; i++) {
                for (Variant variant : variants) {
                    retrying.computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(bench.firstRetrieve(variant));
                    knative.computeIfAbsent(variant.name(), k -> new ArrayList<>()).add(bench.knativeStart(variant));
                    System.out.printf("  start %d %s: %s / %s%n", i, variant.name(),
                            retrying.get(variant.name()).get(i), knative.get(variant.name()).get(i));
                }
            }
            for (Variant variant : variants) {
                Map<String, Object> r = results.get(variant.name());
                List<Start> k = knative.get(variant.name());
                r.put("exec_to_ready_ms", median(k.stream().mapToDouble(Start::readyMs).toArray()));
                r.put("exec_to_first_retrieve_ms", median(retrying.get(variant.name()).stream()
                        .mapToDouble(Start::firstRetrieveMs).toArray()));
                r.put("first_retrieve_after_ready_ms", median(k.stream().mapToDouble(Start::firstRequestAfterReadyMs)
                        .toArray()));
                r.put("scale_from_zero_ms", median(k.stream().mapToDouble(s -> s.readyMs() + s.firstRequestAfterReadyMs())
                        .toArray()));
                r.put("rss_at_ready_mb", median(k.stream().mapToDouble(s -> s.rssAtReadyKb() / 1024.0).toArray()));
                r.putAll(bench.workload(variant, workload));
                r.put("artifact_mb", megabytes(size(variant.artifact())));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("starts_per_measure", starts);
            json.put("workload", workload + " AddMemory (one message each) + " + workload + " Retrieve, one client");
            json.put("load_average_before", loadBefore);
            json.put("load_average_after", loadAverage());
            json.put("cores", Runtime.getRuntime().availableProcessors());
            json.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            json.put("native_shared_jdk_libraries_mb", results.get("native").remove("shared_jdk_libraries_mb"));
            results.get("jvm").remove("shared_jdk_libraries_mb");
            json.put("results", results);
            new Report(Path.of(args.get("out", "target/bench"))).write("native", json, markdown(json, results, jar));
        }
    }

    private void warmUp(Variant variant) throws Exception {
        try (Running app = start(variant, "warm-up")) {
            app.awaitReady();
            MemoryServiceBlockingStub memory = app.memory();
            if (memory.retrieve(RetrieveRequest.newBuilder().setUserId(USER).setQuery("color").build())
                    .getMemoriesCount() == 0) {
                memory.addMemory(add("My favorite color is blue.", "2024-01-15T10:30:00"));
                memory.addMemory(add("I work as a nurse in Boston.", "2024-01-16T09:00:00"));
            }
        }
    }

    /** Exec, then a Retrieve every 10 ms until one succeeds: what a client that retries sees. */
    private Start firstRetrieve(Variant variant) throws Exception {
        try (Running app = start(variant, "first-retrieve")) {
            while (true) {
                app.checkAlive();
                try {
                    app.memory().retrieve(retrieve());
                    return new Start(0, app.elapsedMs(), 0, 0);
                } catch (StatusRuntimeException notYet) {
                    Thread.sleep(POLL_MS);
                    app.channel.resetConnectBackoff();
                }
            }
        }
    }

    /** Exec, readiness probed every 10 ms, then the one request held back until then. */
    private Start knativeStart(Variant variant) throws Exception {
        try (Running app = start(variant, "knative")) {
            double ready = app.awaitReady();
            long rss = app.rssKb();
            long t0 = System.nanoTime();
            app.memory().retrieve(retrieve());
            return new Start(ready, 0, (System.nanoTime() - t0) / 1e6, rss);
        }
    }

    private Map<String, Object> workload(Variant variant, int calls) throws Exception {
        try (Running app = start(variant, "workload")) {
            app.awaitReady();
            String user = USER + "-" + variant.name() + "-" + System.currentTimeMillis();
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                app.memory().addMemory(add("Fact number " + i + ": I visited city " + (i * 7919 % 1000) + " in spring.",
                        "2024-02-01T10:00:00").toBuilder().setUserId(user).build());
                app.memory().retrieve(RetrieveRequest.newBuilder().setUserId(user).setQuery("Which city did I visit "
                        + i + "?").setLimit(5).build());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("workload_seconds", Math.round(seconds * 10) / 10.0);
            r.put("rss_after_workload_mb", Math.round(app.rssKb() / 102.4) / 10.0);
            long[] libraries = app.jdkLibrariesBytesAndRssKb();
            r.put("shared_jdk_libraries_mb", megabytes(libraries[0]));
            r.put("rss_in_shared_jdk_libraries_mb", Math.round(libraries[1] / 102.4) / 10.0);
            return r;
        }
    }

    private Running start(Variant variant, String purpose) throws IOException {
        int grpcPort = PackagedService.freePort();
        int httpPort = PackagedService.freePort();
        File log = new File("target/bench/native-" + variant.name() + "-" + purpose + ".log");
        log.getParentFile().mkdirs();
        ProcessBuilder builder = new ProcessBuilder(variant.command()).redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(Map.of(
                "LIGHTMEM_ROLE", "api",
                "LIGHTMEM_MODELS_ENDPOINT", "127.0.0.1:" + modelsPort,
                "LIGHTMEM_MODELS_API_KEY", MODELS_KEY,
                // Authentication on, as in production: the bench's client presents the bootstrap key.
                "LIGHTMEM_AUTH_BOOTSTRAP_KEY", API_KEY,
                "QUARKUS_GRPC_SERVER_PORT", Integer.toString(grpcPort),
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort)));
        ManagedChannel channel = Credentials.channel(grpcPort, API_KEY);
        long t0 = System.nanoTime();
        return new Running(builder.start(), t0, httpPort, channel, log);
    }

    /** A started process, stopped (SIGTERM, then SIGKILL) when closed. */
    private static final class Running implements AutoCloseable {

        final Process process;
        final long startedNanos;
        final int httpPort;
        final ManagedChannel channel;
        final File log;

        Running(Process process, long startedNanos, int httpPort, ManagedChannel channel, File log) {
            this.process = process;
            this.startedNanos = startedNanos;
            this.httpPort = httpPort;
            this.channel = channel;
            this.log = log;
        }

        double elapsedMs() {
            return (System.nanoTime() - startedNanos) / 1e6;
        }

        void checkAlive() {
            if (!process.isAlive() || elapsedMs() > START_TIMEOUT_MS) {
                throw new IllegalStateException("the service did not start; see " + log);
            }
        }

        /** A stub whose calls (made right away) may take 30 s each. */
        MemoryServiceBlockingStub memory() {
            return MemoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        }

        /** Polls /q/health/ready every 10 ms; returns the time from exec to the first 200. */
        double awaitReady() throws InterruptedException {
            while (true) {
                checkAlive();
                try {
                    HttpURLConnection probe = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort
                            + "/q/health/ready").toURL().openConnection();
                    probe.setConnectTimeout(100);
                    probe.setReadTimeout(5000);
                    if (probe.getResponseCode() == 200) {
                        return elapsedMs();
                    }
                } catch (IOException notListening) {
                    // not yet
                }
                Thread.sleep(POLL_MS);
            }
        }

        long rssKb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmRSS for " + process.pid());
        }

        /**
         * The JDK's shared libraries (lib*.so under a lib/ directory) the process has mapped: their
         * size on disk and the RSS of their mappings. The probe's executable links libjava and friends,
         * and through them loads libjvm; a Mandrel executable links static libraries instead.
         */
        long[] jdkLibrariesBytesAndRssKb() throws IOException {
            TreeSet<String> files = new TreeSet<>();
            long rssKb = 0;
            boolean inLibrary = false;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "smaps"))) {
                int slash = line.indexOf('/');
                String first = line.split(" ", 2)[0];
                if (first.contains("-") && !first.endsWith(":")) { // a mapping's header: "start-end perms ... path"
                    inLibrary = slash > 0 && line.endsWith(".so") && line.contains("/lib/");
                    if (inLibrary) {
                        files.add(line.substring(slash));
                    }
                } else if (inLibrary && line.startsWith("Rss:")) {
                    rssKb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            long bytes = 0;
            for (String file : files) {
                bytes += Files.size(Path.of(file));
            }
            return new long[] {bytes, rssKb};
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow();
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static AddMemoryRequest add(String content, String time) {
        return AddMemoryRequest.newBuilder().setUserId(USER).addMessages(Message.newBuilder().setRole(Role.ROLE_USER)
                .setContent(content).setTimeStamp(time)).build();
    }

    private static RetrieveRequest retrieve() {
        return RetrieveRequest.newBuilder().setUserId(USER).setQuery("What is the user's favorite color?").setLimit(3)
                .build();
    }

    private static String findRunner() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/*-runner: build the native executable first"))
                    .toString();
        }
    }

    private static long size(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return Files.size(path);
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static double megabytes(long bytes) {
        return Math.round(bytes / 1024.0 / 102.4) / 10.0;
    }

    private static double median(double[] values) {
        double median = EmbedBench.median(values);
        return Math.round(median * 10) / 10.0;
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static String markdown(Map<String, Object> json, Map<String, Map<String, Object>> results, Path jar) {
        Map<String, Object> n = results.get("native");
        Map<String, Object> j = results.get("jvm");
        StringBuilder md = new StringBuilder("### Native executable vs JVM, role api (median of ")
                .append(json.get("starts_per_measure")).append(" starts; load average ")
                .append(json.get("load_average_before")).append(" before, ").append(json.get("load_average_after"))
                .append(" after)\n\n| | native executable (probe toolchain) | JVM (`java -jar`, ")
                .append(json.get("jvm")).append(") |\n|---|---|---|\n");
        row(md, "exec → ready (`/q/health/ready` 200, probed every 10 ms)", n, j, "exec_to_ready_ms", " ms");
        row(md, "exec → first successful gRPC Retrieve (retried every 10 ms)", n, j, "exec_to_first_retrieve_ms", " ms");
        row(md, "first Retrieve after ready", n, j, "first_retrieve_after_ready_ms", " ms");
        row(md, "Knative-like scale from zero (exec → ready → held request answered)", n, j, "scale_from_zero_ms", " ms");
        row(md, "RSS at ready", n, j, "rss_at_ready_mb", " MB");
        row(md, "RSS after the workload (" + json.get("workload") + ")", n, j, "rss_after_workload_mb", " MB");
        row(md, "… of which in the JDK's shared libraries (libjava, libjvm, …)", n, j, "rss_in_shared_jdk_libraries_mb",
                " MB");
        row(md, "workload time", n, j, "workload_seconds", " s");
        md.append("| artifact | ").append(n.get("artifact_mb")).append(" MB executable + ")
                .append(json.get("native_shared_jdk_libraries_mb")).append(" MB of shared libraries it maps | ")
                .append(j.get("artifact_mb")).append(" MB `").append(jar.getParent()).append("` + a JRE |\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String label, Map<String, Object> n, Map<String, Object> j, String key,
            String unit) {
        md.append("| ").append(label).append(" | ").append(n.get(key)).append(unit).append(" | ").append(j.get(key))
                .append(unit).append(" |\n");
    }
}
