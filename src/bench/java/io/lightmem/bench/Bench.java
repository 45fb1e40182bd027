package io.lightmem.bench;

import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * On-demand benchmarks (BENCHMARKS.md). Commands: locomo (any LoCoMo-shaped file: --file, --dataset locomo |
 * realtalk from the file name, --name of the result files, --speaker-sweep replays the speaker boost,
 * --period-sweep the time boost), periods (how many
 * questions of the three development sets name a day, month or year, absolute or relative to the time asked;
 * no service), latency
 * (single-client Retrieve at --size memories copied from this database's LoCoMo turns, --requests), load, compare (the
 * table of bench.sh dev from the results in --out), longmemeval, scale, embed, models, all (all = locomo,
 * scale, embed; longmemeval and models run only on request; models needs a running model service at
 * --models=host:port, default 127.0.0.1:9100, and takes --texts, --rounds, --batch), padding (the encoder's token
 * positions for LongMemEval ingestion, runs in order vs by length; no service needed). Options (--key=value):
 * target (gRPC of a running LightMem, 127.0.0.1:9000), jdbc-url/jdbc-user/jdbc-password (its
 * database; default from QUARKUS_DATASOURCE_*), file (LoCoMo json), modes, strategies, baseline,
 * dir (LongMemEval question files, ../shared/data/longmemeval/s-dev), limit-questions (the first n by file name),
 * sample-questions (n spread evenly over LongMemEval's question types), fusion-sweep (true: locomo
 * and longmemeval also replay weighted RRF variants offline, see FusionSweep), sizes, fill (grpc | replicate: sizes above
 * 10k copied from the 10k scope, see ScaleBench), threads (1), requests (400 per target), rounds (4: the targets take
 * turns), ef (list), recall-queries, ingest (2000: messages of the ingest-vs-embedder measurement, 0 skips it),
 * alone (false: also measure each scope on an HNSW index of its own), metrics (the service's /q/metrics URL, for the
 * server-side breakdown), texts, rounds, out (target/bench).
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String command = args.command();
        Report report = new Report(Path.of(args.get("out", "target/bench")));
        String jdbcUrl = args.get("jdbc-url", env("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:54329/lightmem_retrieval_bench"));
        String jdbcUser = args.get("jdbc-user", env("QUARKUS_DATASOURCE_USERNAME", "lightmem"));
        String jdbcPassword = args.get("jdbc-password", env("QUARKUS_DATASOURCE_PASSWORD", "lightmem"));
        Supplier<Connection> database = () -> {
            try {
                return DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot connect to " + jdbcUrl, e);
            }
        };
        List<String> strategies = args.list("strategies", "embedding,context,hybrid");
        String machine = Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + ", JDK " + System.getProperty("java.version");
        if (command.equals("embed") || command.equals("all")) {
            StringBuilder md = new StringBuilder();
            Map<String, Object> json = new EmbedBench().run(args.getInt("texts", 1024), args.getInt("rounds", 3), md);
            report.write("embed", withMachine(json, machine), md.toString());
        }
        if (command.equals("thresholds")) {
            StringBuilder md = new StringBuilder();
            Map<String, Object> json = new ThresholdCalibration().run(Path.of(args.get("locomo",
                    "../shared/data/locomo/locomo-dev.json")), Path.of(args.get("realtalk",
                    "../shared/data/realtalk/realtalk-dev.json")), Path.of(args.get("longmemeval",
                    "../shared/data/longmemeval/s-dev")), args.getInt("sample-questions", 12),
                    Double.parseDouble(args.get("reference", "0.8")), md);
            report.write("thresholds", withMachine(json, machine), md.toString());
        }
        if (command.equals("models")) {
            StringBuilder md = new StringBuilder();
            Map<String, Object> json = new RemoteEmbedBench().run(args.get("models", "127.0.0.1:9100"),
                    args.getInt("texts", 1024), args.getInt("rounds", 3), args.getInt("batch", 64), md);
            report.write("models", withMachine(json, machine), md.toString());
        }
        if (command.equals("locomo") || command.equals("all")) {
            try (ServiceClient service = new ServiceClient(args.get("target", "127.0.0.1:9000"));
                    Tokens tokens = new Tokens()) {
                Lc4jBaseline baseline = args.get("baseline", "true").equals("true")
                        ? new Lc4jBaseline(jdbcUrl, jdbcUser, jdbcPassword, "bench_lc4j_locomo_turns")
                        : null;
                StringBuilder md = new StringBuilder();
                String runId = Long.toString(Instant.now().getEpochSecond(), 36);
                Path file = Path.of(args.get("file", "../shared/data/locomo/locomo-dev.json"));
                String dataset = args.get("dataset", LocomoBench.datasetOf(file));
                Map<String, Object> json = new LocomoBench(service, tokens, baseline, runId,
                        args.get("fusion-sweep", "true").equals("true"), dataset,
                        args.get("speaker-sweep", "false").equals("true"),
                        args.get("period-sweep", "false").equals("true")).run(file,
                        args.list("modes", "turns,observations"), strategies, md);
                report.write(args.get("name", "locomo"), withMachine(json, machine), md.toString());
            }
        }
        if (command.equals("longmemeval")) {
            try (ServiceClient service = new ServiceClient(args.get("target", "127.0.0.1:9000"));
                    Tokens tokens = new Tokens()) {
                StringBuilder md = new StringBuilder();
                String runId = Long.toString(Instant.now().getEpochSecond(), 36);
                Lc4jBaseline baseline = args.get("baseline", "true").equals("true")
                        ? new Lc4jBaseline(jdbcUrl, jdbcUser, jdbcPassword, "bench_lc4j_longmemeval")
                        : null;
                Map<String, Object> json = new LongMemEvalBench(service, tokens, runId,
                        args.get("fusion-sweep", "true").equals("true"), baseline).run(
                        Path.of(args.get("dir", "../shared/data/longmemeval/s-dev")),
                        args.getInt("limit-questions", Integer.MAX_VALUE), args.getInt("sample-questions", 0),
                        strategies, md, (sofar, sofarMd) -> report.writeQuietly("longmemeval",
                                withMachine(sofar, machine), sofarMd));
                report.write("longmemeval", withMachine(json, machine), md.toString());
            }
        }
        if (command.equals("padding")) {
            StringBuilder md = new StringBuilder();
            Map<String, Object> json = new PaddingBench().run(
                    Path.of(args.get("dir", "../shared/data/longmemeval/s-dev")), md);
            report.write("padding", withMachine(json, machine), md.toString());
        }
        if (command.equals("latency")) {
            try (ServiceClient service = new ServiceClient(args.get("target", "127.0.0.1:9000"))) {
                StringBuilder md = new StringBuilder();
                Map<String, Object> json = new LatencyBench(service, database).run(args.getInt("size", 10000),
                        Path.of(args.get("file", "../shared/data/locomo/locomo-dev.json")), strategies,
                        args.getInt("requests", 200), md);
                report.write(args.get("name", "latency"), withMachine(json, machine), md.toString());
            }
        }
        if (command.equals("periods")) {
            Path out = Path.of(args.get("out", "target/bench"));
            String md = PeriodQuestions.markdown(List.of(Path.of("../shared/data/locomo/locomo-dev.json"),
                    Path.of("../shared/data/realtalk/realtalk-dev.json")),
                    Path.of(args.get("dir", "../shared/data/longmemeval/s-dev")));
            java.nio.file.Files.createDirectories(out);
            java.nio.file.Files.writeString(out.resolve("periods.md"), md);
            System.out.println(md);
        }
        if (command.equals("compare")) {
            Path out = Path.of(args.get("out", "target/bench"));
            String md = DevComparison.markdown(out);
            java.nio.file.Files.writeString(out.resolve("dev.md"), md);
            System.out.println(md);
        }
        if (command.equals("ablation")) {
            Path out = Path.of(args.get("out", "target/bench"));
            String md = AblationTable.markdown(out);
            java.nio.file.Files.writeString(out.resolve("ablation.md"), md);
            System.out.println(md);
        }
        if (command.equals("scale") || command.equals("all")) {
            try (ServiceClient service = new ServiceClient(args.get("target", "127.0.0.1:9000"));
                    OnnxEmbedder embedder = new OnnxEmbedder(OnnxEmbedder.ModelFiles.builtIn(),
                            OnnxSessions.options(ExecutionProvider.cpu, 0, 0), 32, 256)) {
                ServerMetrics metrics = new ServerMetrics(args.get("metrics", ""));
                for (String size : args.list("sizes", "10000,100000")) {
                    int n = Integer.parseInt(size);
                    StringBuilder md = new StringBuilder();
                    ScaleBench.Options options = new ScaleBench.Options(n, n > 10000 ? args.get("fill", "grpc") : "grpc",
                            strategies, args.getInt("threads", 1), args.getInt("requests", 400), args.getInt("rounds", 4),
                            args.list("ef", "10,20,40,60,80,100,150,200,300,400").stream().map(Integer::parseInt).toList(),
                            args.getInt("recall-queries", 100), args.getInt("ingest", 2000),
                            args.get("baseline", "true").equals("true"), args.get("alone", "false").equals("true"));
                    Map<String, Object> json = new ScaleBench(service, database, embedder, metrics,
                            (table, fresh) -> new Lc4jBaseline(jdbcUrl, jdbcUser, jdbcPassword, table, fresh))
                            .run(options, md);
                    report.write("scale-" + size, withMachine(json, machine), md.toString());
                }
            }
        }
        if (command.equals("load")) {
            try (ServiceClient service = new ServiceClient(args.get("target", "127.0.0.1:9000"))) {
                StringBuilder md = new StringBuilder();
                Map<String, Object> json = new LoadBench(service, Long.parseLong(args.get("server-pid", "0"))).run(
                        args.getInt("clients", 8), java.time.Duration.parse(args.get("duration", "PT60S")),
                        Double.parseDouble(args.get("retrieve-share", "0.8")), args.getInt("users", 16),
                        args.getInt("memories-per-user", 200), md);
                report.write(args.get("name", "load"), withMachine(json, machine), md.toString());
            }
        }
        System.exit(0); // gRPC and ONNX Runtime leave non-daemon threads behind
    }

    private static Map<String, Object> withMachine(Map<String, Object> json, String machine) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("machine", machine);
        out.put("measured_at", Instant.now().toString());
        out.putAll(json);
        return out;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
