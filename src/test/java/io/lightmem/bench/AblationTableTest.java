package io.lightmem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ablation table of bench.sh dev, written from hand-made result files of the shape the harness writes. */
class AblationTableTest {

    @TempDir
    Path out;

    @Test
    void rowsAreLabelledAndOrderedByTheSettingsTheirResultsRecordNotByTheirFolders() throws IOException {
        write(out, "locomo", locomo(settings("all-minilm-l6-v2", "false", "0.3", "0.3"), "turns", 0.4));
        // Folder names that say something else than what ran: the recorded settings decide.
        write(out.resolve("ablation/a-speaker-boost"), "locomo",
                locomo(settings("all-minilm-l6-v2", "false", "0.0", "0"), "turns", 0.1));
        write(out.resolve("ablation/b-old"), "locomo",
                locomo(settings("all-minilm-l6-v2", "true", "0", "0"), "turns-named", 0.3));
        write(out.resolve("ablation/c-time"), "locomo",
                locomo(settings("bge-small-en-v15-q", "false", "0.2", "0"), "turns", 0.5));

        List<String> rows = rows(AblationTable.markdown(out));

        assertThat(rows).containsExactly(
                "| none | all-minilm-l6-v2 | 7 | 0.100 / 0.110 / 0.120 / 0.130 | 0.200 / 0.210 / 0.220 / 0.230 "
                        + "| 0.300 / 0.310 / 0.320 / 0.330 | 0.050 | ablation/a-speaker-boost |",
                "| **speaker boost 0.3 + time boost 0.3** (comparison) | all-minilm-l6-v2 | 7 "
                        + "| 0.400 / 0.410 / 0.420 / 0.430 | 0.500 / 0.510 / 0.520 / 0.530 "
                        + "| 0.600 / 0.610 / 0.620 / 0.630 | 0.350 | . |",
                "| model bge-small-en-v15-q + speaker boost 0.2 | bge-small-en-v15-q | 7 "
                        + "| 0.500 / 0.510 / 0.520 / 0.530 | 0.600 / 0.610 / 0.620 / 0.630 "
                        + "| 0.700 / 0.710 / 0.720 / 0.730 | 0.450 | ablation/c-time |",
                "| name in the memory text (the old default) | all-minilm-l6-v2 | 7 "
                        + "| 0.300 / 0.310 / 0.320 / 0.330 | 0.400 / 0.410 / 0.420 / 0.430 "
                        + "| 0.500 / 0.510 / 0.520 / 0.530 | 0.250 | ablation/b-old |");
    }

    @Test
    void theOtherModelIsTheOneTheComparisonDidNotRunAndTheOldDefaultIsMiniLmWithTheName() throws IOException {
        write(out, "locomo", locomo(settings("bge-small-en-v15-q", "false", "0.4", "0.3"), "turns", 0.4));
        write(out.resolve("ablation/model"), "locomo", locomo(settings("all-minilm-l6-v2", "false", "0", "0"), "turns", 0.2));
        write(out.resolve("ablation/old-default"), "locomo",
                locomo(settings("all-minilm-l6-v2", "true", "0", "0"), "turns-named", 0.1));
        write(out.resolve("ablation/none"), "locomo", locomo(settings("bge-small-en-v15-q", "false", "0", "0"), "turns", 0.3));

        List<String> labels = rows(AblationTable.markdown(out)).stream().map(r -> r.substring(2, r.indexOf(" | "))).toList();

        assertThat(labels).containsExactly("none", "**speaker boost 0.4 + time boost 0.3** (comparison)",
                "model all-minilm-l6-v2", "model all-minilm-l6-v2 + name in the memory text (the old default)");
    }

    @Test
    void eachSetListsOnlyTheRowsThatRanIt() throws IOException {
        Map<String, String> defaults = settings("all-minilm-l6-v2", "false", "0.3", "0.3");
        write(out, "locomo", locomo(defaults, "turns", 0.4));
        write(out, "longmemeval", longMemEval(defaults, 0.6));
        write(out.resolve("ablation/none"), "locomo", locomo(settings("all-minilm-l6-v2", "false", "0", "0"), "turns", 0.1));

        String md = AblationTable.markdown(out);

        assertThat(md).contains("#### locomo").doesNotContain("#### realtalk").contains("#### LongMemEval-S");
        assertThat(md.substring(md.indexOf("#### LongMemEval-S"))).doesNotContain("ablation/none |")
                .contains("| **speaker boost 0.3 + time boost 0.3** (comparison) | all-minilm-l6-v2 | hybrid | 3 | 0.900 "
                        + "| 0.600 / 0.610 / 0.620 / 0.630 | – | 0.700 / 0.710 / 0.720 / 0.730 | . |");
        assertThat(md).contains("- ablation/none/locomo.json (2026-12-06T16:00:00Z)");
    }

    /** The table rows (not the header) of the first table. */
    private static List<String> rows(String md) {
        return md.lines().dropWhile(l -> !l.startsWith("|---")).skip(1).takeWhile(l -> l.startsWith("|")).toList();
    }

    private static Map<String, String> settings(String model, String verbatim, String speakerBoost, String timeBoost) {
        return Map.of(AblationTable.MODEL, model, AblationTable.VERBATIM, verbatim, AblationTable.SPEAKER_BOOST,
                speakerBoost, AblationTable.TIME_BOOST, timeBoost);
    }

    /** A locomo.json whose strategy i (embedding, context, hybrid) has any@k = base + 0.1 i + k's index / 100. */
    private static Map<String, Object> locomo(Map<String, String> config, String mode, double base) {
        Map<String, Object> recall = new LinkedHashMap<>();
        List<String> strategies = List.of("embedding", "context", "hybrid");
        for (int i = 0; i < strategies.size(); i++) {
            double b = base + 0.1 * i;
            recall.put(mode + "/" + strategies.get(i), Map.of("all", Map.of("questions", 7, "recall_any@1", b,
                    "recall_any@5", b + 0.01, "recall_any@10", b + 0.02, "recall_any@20", b + 0.03,
                    "recall_all@20", b - 0.25)));
        }
        recall.put("turns/lc4j-pgvector-baseline", Map.of("all", Map.of("questions", 7, "recall_any@1", 0.0)));
        return Map.of("measured_at", "2026-12-06T16:00:00Z", "service_config", config, "recall", recall);
    }

    /** A longmemeval.json without the context strategy: turn r@k = base (embedding), base + 0.1 (hybrid), + k's index / 100. */
    private static Map<String, Object> longMemEval(Map<String, String> config, double base) {
        return Map.of("measured_at", "2026-12-06T16:00:00Z", "messages_use", "hybrid", "service_config", config,
                "recall", Map.of("embedding", Map.of("turn", turn(base)),
                        "hybrid", Map.of("session", Map.of("all", Map.of("recall_any@5", 0.9)), "turn", turn(base + 0.1))));
    }

    private static Map<String, Object> turn(double base) {
        return Map.of("all", Map.of("questions", 3, "recall@1", base, "recall@5", base + 0.01, "recall@10", base + 0.02,
                "recall@20", base + 0.03));
    }

    private static void write(Path dir, String set, Map<String, Object> json) throws IOException {
        Files.createDirectories(dir);
        new ObjectMapper().writeValue(dir.resolve(set + ".json").toFile(), json);
    }
}
