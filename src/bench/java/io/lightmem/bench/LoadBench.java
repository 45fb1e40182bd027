package io.lightmem.bench;

import io.grpc.StatusRuntimeException;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.Message;
import io.lightmem.v1.RetrieveStrategy;
import io.lightmem.v1.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded mixed workload on a running service (bench.sh load): {@code clients} concurrent gRPC
 * clients, each looping for {@code duration} over Retrieve (with probability {@code retrieve-share})
 * and AddMemory of one short message, across {@code users} users seeded with
 * {@code memories-per-user} memories first. Reports throughput, p50/p95/p99 per operation, errors
 * by status, and the service's resident memory (VmRSS of {@code --server-pid}) before and after. The
 * one-hour soak is the same run with {@code --duration=PT1H}.
 */
final class LoadBench {

    private final ServiceClient service;
    private final long serverPid;

    LoadBench(ServiceClient service, long serverPid) {
        this.service = service;
        this.serverPid = serverPid;
    }

    Map<String, Object> run(int clients, Duration duration, double retrieveShare, int users, int memoriesPerUser,
            StringBuilder md) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<String> userIds = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            userIds.add("bench-load-" + run + "-" + u);
        }
        Synthetic sentences = new Synthetic(7);
        for (String userId : userIds) {
            AddMemoryRequest.Builder seed = AddMemoryRequest.newBuilder().setUserId(userId);
            for (int i = 0; i < memoriesPerUser; i++) {
                seed.addMessages(message(sentences.sentence(), LocalDateTime.parse("2023-01-01T08:00:00").plusHours(i)));
            }
            service.add(seed.build());
        }
        Synthetic questions = new Synthetic(99);
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            queries.add(questions.question());
        }
        long rssBefore = rssKb();
        Map<String, Samples> samples = new ConcurrentHashMap<>();
        Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> running = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            running.add(pool.submit(() -> {
                Random random = new Random(client);
                Synthetic facts = new Synthetic(1000 + client);
                int added = 0;
                while (System.nanoTime() < end) {
                    String userId = userIds.get(random.nextInt(userIds.size()));
                    boolean retrieve = random.nextDouble() < retrieveShare;
                    String operation = retrieve ? "retrieve" : "add";
                    long t0 = System.nanoTime();
                    try {
                        if (retrieve) {
                            service.retrieve(userId, queries.get(random.nextInt(queries.size())), 10,
                                    RetrieveStrategy.RETRIEVE_STRATEGY_HYBRID, 0);
                        } else {
                            service.add(AddMemoryRequest.newBuilder().setUserId(userId)
                                    .setRequestId("load-" + run + "-" + client + "-" + added)
                                    .addMessages(message(facts.sentence(),
                                            LocalDateTime.parse("2024-01-01T08:00:00").plusMinutes(added)))
                                    .build());
                            added++;
                        }
                        samples.computeIfAbsent(operation, key -> new Samples()).add(System.nanoTime() - t0);
                    } catch (StatusRuntimeException e) {
                        errors.computeIfAbsent(operation + " " + e.getStatus().getCode(), key -> new AtomicLong())
                                .incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : running) {
            client.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - started) / 1e9;
        long rssAfter = rssKb();

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("clients", clients);
        json.put("duration_s", Math.round(seconds));
        json.put("retrieve_share", retrieveShare);
        json.put("users", users);
        json.put("memories_per_user_at_start", memoriesPerUser);
        json.put("load_average_at_end", loadAverage());
        long total = 0;
        Map<String, Object> operations = new TreeMap<>();
        for (Map.Entry<String, Samples> entry : samples.entrySet()) {
            Samples s = entry.getValue();
            total += s.count();
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("ok", s.count());
            op.put("per_s", round(s.count() / seconds));
            op.put("p50_ms", s.percentileMs(50));
            op.put("p95_ms", s.percentileMs(95));
            op.put("p99_ms", s.percentileMs(99));
            operations.put(entry.getKey(), op);
        }
        json.put("operations", operations);
        json.put("throughput_per_s", round(total / seconds));
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((key, count) -> errorCounts.put(key, count.get()));
        json.put("errors", errorCounts);
        json.put("rss_mb_before", rssBefore / 1024);
        json.put("rss_mb_after", rssAfter / 1024);

        md.append("| clients | duration | ops/s | retrieve p50/p95/p99 ms | add p50/p95/p99 ms | errors | RSS before → after |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        md.append("| ").append(clients).append(" | ").append(Math.round(seconds)).append(" s | ")
                .append(json.get("throughput_per_s")).append(" | ").append(percentiles(operations.get("retrieve")))
                .append(" | ").append(percentiles(operations.get("add"))).append(" | ")
                .append(errorCounts.isEmpty() ? "0" : errorCounts.toString()).append(" | ")
                .append(rssBefore / 1024).append(" → ").append(rssAfter / 1024).append(" MB |\n");
        return json;
    }

    private static String percentiles(Object operation) {
        if (!(operation instanceof Map<?, ?> op)) {
            return "–";
        }
        return op.get("p50_ms") + " / " + op.get("p95_ms") + " / " + op.get("p99_ms");
    }

    private static Message message(String text, LocalDateTime time) {
        return Message.newBuilder().setRole(Role.ROLE_USER).setContent(text).setTimeStamp(time.toString()).build();
    }

    /** VmRSS of the service process in kB, or -1 when it cannot be read. */
    private long rssKb() throws IOException {
        if (serverPid <= 0) {
            return -1;
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** Latencies in nanoseconds, kept whole (a run of an hour at a few hundred per second fits easily). */
    private static final class Samples {
        private long[] values = new long[4096];
        private int size;

        synchronized void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        synchronized long count() {
            return size;
        }

        synchronized double percentileMs(int p) {
            if (size == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int index = (int) Math.min(size - 1, Math.max(0, Math.ceil(p / 100.0 * size) - 1));
            return round(sorted[index] / 1e6);
        }
    }
}
