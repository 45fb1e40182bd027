package io.lightmem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The comparison table of `bench.sh dev`: every strategy and the naive baseline on the three
 * development sets, from the locomo.json, realtalk.json and longmemeval.json of one --out folder,
 * with each strategy's worst margin over the baseline at any k (negative: below it somewhere).
 */
final class DevComparison {

    private static final int[] KS = {1, 3, 5, 10, 20, 50};
    private static final List<String> SETTINGS = List.of("lightmem.text-embedder.model",
            "lightmem.memory-manager.verbatim-speaker", "lightmem.embedding-retriever.speaker-boost",
            "lightmem.embedding-retriever.time-boost",
            "lightmem.hybrid-retriever.rrf-k", "lightmem.retrieve-strategy", "lightmem.messages-use");

    private DevComparison() {
    }

    static String markdown(Path out) throws IOException {
        StringBuilder md = new StringBuilder("### Development sets: every strategy beside the naive baseline\n\n");
        md.append("| set | strategy | questions | any@1 | any@3 | any@5 | any@10 | any@20 | any@50 | all@5 | all@20 "
                + "| text tokens@5 | tokens@5 | worst margin over baseline (any@k, all k) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder settings = new StringBuilder();
        for (String set : List.of("locomo", "realtalk")) {
            JsonNode root = read(out, set);
            if (root == null) {
                continue;
            }
            settings.append(settings(set, root));
            JsonNode recall = root.get("recall");
            JsonNode base = recall.path("turns/lc4j-pgvector-baseline").path("all");
            for (Iterator<Map.Entry<String, JsonNode>> it = recall.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> row = it.next();
                JsonNode all = row.getValue().get("all");
                md.append(String.format("| %s | %s | %d |", set, row.getKey(), all.get("questions").asInt()));
                for (int k : KS) {
                    md.append(String.format(" %.3f |", all.get("recall_any@" + k).asDouble()));
                }
                md.append(String.format(" %.3f | %.3f | %.0f | %.0f | %s |%n", all.get("recall_all@5").asDouble(),
                        all.get("recall_all@20").asDouble(), all.get("text_tokens@5").asDouble(),
                        all.get("context_tokens@5").asDouble(), margin(all, base, "recall_any@")));
            }
        }
        JsonNode lme = read(out, "longmemeval");
        if (lme != null) {
            settings.append(settings("longmemeval", lme));
            md.append("\n| LongMemEval-S | strategy | questions | session any@5 | session any@10 | turn r@1 | turn r@5 "
                    + "| turn r@10 | turn r@20 | turn r@50 | text tokens@5 | worst turn-r@k margin over baseline "
                    + "| without " + LongMemEvalBench.ASSISTANT_TYPE + ": questions, turn r@5 / r@10 |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            JsonNode recall = lme.get("recall");
            JsonNode base = recall.path(LongMemEvalBench.BASELINE).path("turn").path("all");
            for (Iterator<Map.Entry<String, JsonNode>> it = recall.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> row = it.next();
                JsonNode session = row.getValue().get("session").get("all");
                JsonNode turn = row.getValue().get("turn").get("all");
                JsonNode without = row.getValue().path("turn_without_assistant_type");
                md.append(String.format("| %s | %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f | %s | %s |%n",
                        lme.path("messages_use").asText(), row.getKey(), turn.get("questions").asInt(),
                        session.get("recall_any@5").asDouble(), session.get("recall_any@10").asDouble(),
                        turn.get("recall@1").asDouble(), turn.get("recall@5").asDouble(),
                        turn.get("recall@10").asDouble(), turn.get("recall@20").asDouble(),
                        turn.get("recall@50").asDouble(), session.get("text_tokens@5").asDouble(),
                        margin(turn, base, "recall@"), without.isMissingNode() ? "–"
                                : String.format("%d, %.3f / %.3f", without.get("questions").asInt(),
                                        without.get("recall@5").asDouble(), without.get("recall@10").asDouble())));
            }
        }
        return md.append("\nService settings:\n\n").append(settings).append('\n').toString();
    }

    /** The smallest difference strategy − baseline over k, with its k; "–" for the baseline itself. */
    private static String margin(JsonNode row, JsonNode base, String metric) {
        if (base.isMissingNode() || row == base) {
            return "–";
        }
        double worst = Double.POSITIVE_INFINITY;
        int at = 0;
        for (int k : KS) {
            double d = row.get(metric + k).asDouble() - base.get(metric + k).asDouble();
            if (d < worst) {
                worst = d;
                at = k;
            }
        }
        return String.format("%+.3f (k=%d)", worst, at);
    }

    private static String settings(String set, JsonNode root) {
        StringBuilder line = new StringBuilder("- ").append(set).append(" (").append(root.path("measured_at").asText())
                .append("):");
        JsonNode config = root.path("service_config");
        for (String key : SETTINGS) {
            line.append(' ').append(key.substring("lightmem.".length())).append('=')
                    .append(config.path(key).asText("?"));
        }
        return line.append('\n').toString();
    }

    private static JsonNode read(Path out, String name) throws IOException {
        Path file = out.resolve(name + ".json");
        return Files.exists(file) ? new ObjectMapper().readTree(file.toFile()) : null;
    }
}
