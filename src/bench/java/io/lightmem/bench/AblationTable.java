package io.lightmem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ablation table of `bench.sh dev`: each retrieval lever alone and together, per development set.
 * A row is one folder of results: the comparison run itself (the --out folder, the service defaults)
 * and every folder under {@code ablation/}, each run against a service with some levers off or another
 * model. What a row ran with is read from the service configuration its JSON records, so the table states
 * the settings measured, not the settings meant; rows are ordered by those settings (the comparison's
 * model first, then the other model, the name in the memory text last; fewer boosts first).
 */
final class AblationTable {

    static final String MODEL = "lightmem.text-embedder.model";
    static final String VERBATIM = "lightmem.memory-manager.verbatim-speaker";
    static final String SPEAKER_BOOST = "lightmem.embedding-retriever.speaker-boost";
    static final String TIME_BOOST = "lightmem.embedding-retriever.time-boost";
    /** The model of the service's first defaults, with the speaker's name in the memory text and no boosts. */
    private static final String OLD_DEFAULT_MODEL = "all-minilm-l6-v2";
    private static final List<String> STRATEGIES = List.of("embedding", "context", "hybrid");

    /** One folder of results and the name it is shown by. */
    private record Row(String folder, Path dir, boolean comparison) {

        JsonNode read(String set) throws IOException {
            Path file = dir.resolve(set + ".json");
            return Files.exists(file) ? new ObjectMapper().readTree(file.toFile()) : null;
        }
    }

    private AblationTable() {
    }

    static String markdown(Path out) throws IOException {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(".", out, true));
        Path ablation = out.resolve("ablation");
        if (Files.isDirectory(ablation)) {
            try (Stream<Path> dirs = Files.list(ablation)) {
                dirs.filter(Files::isDirectory).sorted()
                        .forEach(d -> rows.add(new Row("ablation/" + d.getFileName(), d, false)));
            }
        }
        StringBuilder md = new StringBuilder("### Ablation: each lever alone and together\n\n");
        md.append("Each row is one service run; its levers are read from the service configuration its results ")
                .append("record. The row marked *comparison* is the comparison run (dev.md), with the service's ")
                .append("settings. The `context` strategy uses neither the boosts nor the embedding model, so its ")
                .append("cells change only with the name in the memory text; elsewhere they differ only by ties. ")
                .append("Cells: any@1 / @5 / @10 / @20.\n\n");
        for (String set : List.of("locomo", "realtalk")) {
            recallTable(set, rows, md);
        }
        longMemEvalTable(rows, md);
        md.append("Results and when they were measured:\n\n");
        for (Row row : rows) {
            for (String set : List.of("locomo", "realtalk", "longmemeval")) {
                JsonNode root = row.read(set);
                if (root != null) {
                    md.append("- ").append(row.folder()).append('/').append(set).append(".json (")
                            .append(root.path("measured_at").asText()).append(")\n");
                }
            }
        }
        return md.append('\n').toString();
    }

    private static void recallTable(String set, List<Row> rows, StringBuilder md) throws IOException {
        List<Measured> measured = measured(set, rows);
        if (measured.isEmpty()) {
            return;
        }
        md.append("#### ").append(set).append("\n\n");
        md.append("| lever(s) | model | questions | embedding | context | hybrid | hybrid all@20 | results |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (Measured m : measured) {
            JsonNode recall = m.root().get("recall");
            md.append("| ").append(levers(m)).append(" | ").append(m.setting(MODEL)).append(" | ")
                    .append(strategy(recall, "hybrid").path("questions").asInt()).append(" |");
            for (String strategy : STRATEGIES) {
                md.append(' ').append(anyAt(strategy(recall, strategy))).append(" |");
            }
            JsonNode hybrid = strategy(recall, "hybrid");
            md.append(' ').append(hybrid.isMissingNode() ? "–"
                    : String.format("%.3f", hybrid.get("recall_all@20").asDouble()));
            md.append(" | ").append(m.row().folder()).append(" |\n");
        }
        md.append('\n');
    }

    /**
     * LongMemEval-S: only the rows that ran it. Its questions name no participant (its messages carry no
     * speaker names) and no day, month or year (`bench.sh periods`), so the boosts cannot change it and
     * only the model lever is run on it.
     */
    private static void longMemEvalTable(List<Row> rows, StringBuilder md) throws IOException {
        List<Measured> measured = measured("longmemeval", rows);
        if (measured.isEmpty()) {
            return;
        }
        md.append("#### LongMemEval-S\n\n");
        md.append("Only the model lever: the speaker boost cannot change LongMemEval-S, whose messages carry no ")
                .append("speaker names, and the time boost only its few questions naming a relative period ")
                .append("(8 of 63, `bench.sh periods`), which the comparison run measures with it on. ")
                .append("Cells: turn r@1 / r@5 / r@10 / r@20.\n\n");
        md.append("| lever(s) | model | messages-use | questions | session any@5 (hybrid) | embedding | context | hybrid | results |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Measured m : measured) {
            JsonNode recall = m.root().get("recall");
            JsonNode hybrid = recall.path("hybrid");
            md.append("| ").append(levers(m)).append(" | ").append(m.setting(MODEL)).append(" | ")
                    .append(m.root().path("messages_use").asText())
                    .append(" | ").append(hybrid.path("turn").path("all").path("questions").asInt()).append(" | ")
                    .append(hybrid.isMissingNode() ? "–" : String.format("%.3f",
                            hybrid.path("session").path("all").path("recall_any@5").asDouble()))
                    .append(" |");
            for (String strategy : STRATEGIES) {
                JsonNode turn = recall.path(strategy).path("turn").path("all");
                md.append(' ').append(turn.isMissingNode() ? "–" : String.format("%.3f / %.3f / %.3f / %.3f",
                        turn.get("recall@1").asDouble(), turn.get("recall@5").asDouble(),
                        turn.get("recall@10").asDouble(), turn.get("recall@20").asDouble())).append(" |");
            }
            md.append(' ').append(m.row().folder()).append(" |\n");
        }
        md.append('\n');
    }

    /** A row's results for one set, with the service settings they record and the comparison's model. */
    private record Measured(Row row, JsonNode root, String comparisonModel) {

        String setting(String key) {
            return root.path("service_config").path(key).asText("?");
        }

        double number(String key) {
            try {
                return Double.parseDouble(setting(key));
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        boolean named() {
            return setting(VERBATIM).equals("true");
        }

        boolean otherModel() {
            return !setting(MODEL).equals(comparisonModel);
        }

        int boosts() {
            return (number(SPEAKER_BOOST) != 0 ? 1 : 0) + (number(TIME_BOOST) != 0 ? 1 : 0);
        }
    }

    private static List<Measured> measured(String set, List<Row> rows) throws IOException {
        List<Measured> out = new ArrayList<>();
        JsonNode comparison = rows.get(0).read(set);
        String comparisonModel = comparison == null ? "?"
                : comparison.path("service_config").path(MODEL).asText("?");
        for (Row row : rows) {
            JsonNode root = row.read(set);
            if (root != null) {
                out.add(new Measured(row, root, comparisonModel));
            }
        }
        out.sort(Comparator.comparingInt((Measured m) -> m.named() ? 2 : m.otherModel() ? 1 : 0)
                .thenComparingInt(Measured::boosts)
                .thenComparingInt(m -> m.number(SPEAKER_BOOST) != 0 ? 0 : 1)
                .thenComparing(m -> m.row().folder()));
        return out;
    }

    /** What is on in a row, from its recorded settings: e.g. "speaker boost 0.3 + time boost 0.3". */
    private static String levers(Measured m) {
        List<String> on = new ArrayList<>();
        if (m.otherModel()) {
            on.add("model " + m.setting(MODEL));
        }
        if (m.named()) {
            on.add("name in the memory text");
        }
        if (m.number(SPEAKER_BOOST) != 0) {
            on.add("speaker boost " + m.setting(SPEAKER_BOOST));
        }
        if (m.number(TIME_BOOST) != 0) {
            on.add("time boost " + m.setting(TIME_BOOST));
        }
        String label = on.isEmpty() ? "none" : String.join(" + ", on);
        if (m.named() && m.boosts() == 0 && m.setting(MODEL).equals(OLD_DEFAULT_MODEL)) {
            label += " (the old default)";
        }
        return m.row().comparison() ? "**" + label + "** (comparison)" : label;
    }

    /** The row of one strategy: `turns/<strategy>`, or `turns-named/<strategy>` with the name in the text. */
    private static JsonNode strategy(JsonNode recall, String strategy) {
        for (Iterator<Map.Entry<String, JsonNode>> it = recall.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> row = it.next();
            if (row.getKey().startsWith("turns") && row.getKey().endsWith("/" + strategy)) {
                return row.getValue().path("all");
            }
        }
        return MissingNode.getInstance();
    }

    private static String anyAt(JsonNode all) {
        return all.isMissingNode() ? "–" : String.format("%.3f / %.3f / %.3f / %.3f",
                all.get("recall_any@1").asDouble(), all.get("recall_any@5").asDouble(),
                all.get("recall_any@10").asDouble(), all.get("recall_any@20").asDouble());
    }
}
