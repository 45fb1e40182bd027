package io.lightmem.bench;

import static io.lightmem.testing.Vectors.cosine;

import io.lightmem.config.ExecutionProvider;
import io.lightmem.model.EmbeddingModel;
import io.lightmem.model.OnnxEmbedder;
import io.lightmem.model.OnnxSessions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where each built-in model puts consolidation's {@code score-threshold} (BENCHMARKS.md, "Consolidation
 * threshold per model"). The threshold was chosen on all-MiniLM-L6-v2 (0.8: 15 targets of 419 verbatim
 * turns of LoCoMo conversation 1); other models spread cosine similarities differently, so the same number
 * means another amount of consolidation. For every user of the three development sets (a LoCoMo or
 * REALTALK conversation, a LongMemEval-S haystack) it embeds the turns as memories and counts the targets
 * at a threshold: turns with at least one later turn at or above it, as ConstructUpdateQueue and
 * OfflineUpdate would pick them with verbatim memories. For each model it then gives the threshold that
 * selects as many targets as MiniLM at its reference threshold, per set and over all. The same for topic
 * segmentation's fine boundaries (SPEC: a boundary where consecutive turns' cosine is below 0.2, raised up
 * to 0.5): the thresholds under which each model puts as many consecutive pairs of a session as MiniLM
 * puts under 0.2 and 0.5. No service, no database.
 */
final class ThresholdCalibration {

    private static final double STEP = 0.005;

    Map<String, Object> run(Path locomo, Path realtalk, Path longMemEval, int longMemEvalUsers, double reference,
            StringBuilder md) throws IOException {
        // Per set, its users; per user, its sessions' turns.
        Map<String, List<List<List<String>>>> sets = new LinkedHashMap<>();
        sets.put("LoCoMo dev", conversations(locomo));
        sets.put("REALTALK dev", conversations(realtalk));
        List<List<List<String>>> haystacks = new ArrayList<>();
        for (Path file : LongMemEvalData.sample(LongMemEvalData.files(longMemEval), longMemEvalUsers)) {
            List<List<String>> sessions = new ArrayList<>();
            for (LongMemEvalData.Session session : LongMemEvalData.read(file).sessions()) {
                sessions.add(session.turns().stream().filter(LongMemEvalData.Turn::holdsText)
                        .map(LongMemEvalData.Turn::content).toList());
            }
            haystacks.add(sessions);
        }
        sets.put("LongMemEval-S dev (" + longMemEvalUsers + " haystacks)", haystacks);

        // Per model and set: every turn's highest similarity to a later turn of its user.
        // And every pair of consecutive turns of a session, pooled over the sets.
        Map<EmbeddingModel, Map<String, List<Double>>> best = new LinkedHashMap<>();
        Map<EmbeddingModel, List<Double>> consecutive = new LinkedHashMap<>();
        for (EmbeddingModel model : EmbeddingModel.values()) {
            long started = System.nanoTime();
            try (OnnxEmbedder embedder = new OnnxEmbedder(model, OnnxSessions.options(ExecutionProvider.cpu, 0, 0),
                    32, 256)) {
                Map<String, List<Double>> perSet = new LinkedHashMap<>();
                List<Double> pairs = new ArrayList<>();
                sets.forEach((set, users) -> {
                    List<Double> scores = new ArrayList<>();
                    for (List<List<String>> sessions : users) {
                        List<float[]> vectors = new ArrayList<>();
                        for (List<String> session : sessions) {
                            List<float[]> embedded = embedder.embedPassages(session);
                            for (int i = 0; i + 1 < embedded.size(); i++) {
                                pairs.add(cosine(embedded.get(i), embedded.get(i + 1)));
                            }
                            vectors.addAll(embedded);
                        }
                        scores.addAll(bestLaterSimilarity(vectors));
                    }
                    perSet.put(set, scores);
                });
                best.put(model, perSet);
                consecutive.put(model, pairs);
            }
            System.err.printf(Locale.ROOT, "%s: %.0f s%n", model, (System.nanoTime() - started) / 1e9);
        }

        Map<String, List<Double>> miniLm = best.get(EmbeddingModel.ALL_MINILM_L6_V2);
        md.append("| model | set | turns | targets at the model's matching threshold | matching threshold |\n");
        md.append("|---|---|---|---|---|\n");
        Map<String, Object> json = new LinkedHashMap<>();
        for (Map.Entry<EmbeddingModel, Map<String, List<Double>>> model : best.entrySet()) {
            Map<String, Object> perSet = new LinkedHashMap<>();
            List<Double> all = new ArrayList<>();
            List<Double> allMiniLm = new ArrayList<>();
            for (Map.Entry<String, List<Double>> set : model.getValue().entrySet()) {
                long wanted = atOrAbove(miniLm.get(set.getKey()), reference);
                double threshold = matching(set.getValue(), wanted);
                perSet.put(set.getKey(), Map.of("turns", set.getValue().size(), "targets_minilm", wanted,
                        "threshold", round(threshold), "targets", atOrAbove(set.getValue(), threshold)));
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d (MiniLM at %.2f: %d) | %.3f |%n", model.getKey(),
                        set.getKey(), set.getValue().size(), atOrAbove(set.getValue(), threshold), reference, wanted,
                        threshold));
                all.addAll(set.getValue());
                allMiniLm.addAll(miniLm.get(set.getKey()));
            }
            long wanted = atOrAbove(allMiniLm, reference);
            double threshold = matching(all, wanted);
            perSet.put("all", Map.of("turns", all.size(), "targets_minilm", wanted, "threshold", round(threshold)));
            md.append(String.format(Locale.ROOT, "| **%s** | **all three** | %d | %d (MiniLM: %d) | **%.3f** |%n",
                    model.getKey(), all.size(), atOrAbove(all, threshold), wanted, threshold));
            json.put(model.getKey().configName(), perSet);
        }

        List<Double> miniLmPairs = consecutive.get(EmbeddingModel.ALL_MINILM_L6_V2);
        md.append("\n| model | consecutive pairs | below: MiniLM's 0.2 (").append(below(miniLmPairs, 0.2))
                .append(") matched at | MiniLM's 0.5 (").append(below(miniLmPairs, 0.5)).append(") matched at |\n");
        md.append("|---|---|---|---|\n");
        for (Map.Entry<EmbeddingModel, List<Double>> model : consecutive.entrySet()) {
            double start = matchingBelow(model.getValue(), below(miniLmPairs, 0.2));
            double max = matchingBelow(model.getValue(), below(miniLmPairs, 0.5));
            md.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f |%n", model.getKey(), model.getValue().size(),
                    start, max));
            @SuppressWarnings("unchecked")
            Map<String, Object> perModel = (Map<String, Object>) json.get(model.getKey().configName());
            perModel.put("segmentation", Map.of("pairs", model.getValue().size(), "start", round(start), "max",
                    round(max)));
        }
        return json;
    }

    static long below(List<Double> scores, double threshold) {
        return scores.stream().filter(s -> s < threshold).count();
    }

    /** The highest threshold (on the grid) that puts no more than {@code wanted} of {@code scores} below it. */
    static double matchingBelow(List<Double> scores, long wanted) {
        double threshold = 1;
        while (threshold > -1 && below(scores, threshold) > wanted) {
            threshold -= STEP;
        }
        return threshold;
    }

    private static List<List<List<String>>> conversations(Path file) throws IOException {
        List<List<List<String>>> users = new ArrayList<>();
        for (LocomoData.Conversation conversation : LocomoData.read(file).conversations()) {
            users.add(conversation.sessions().stream()
                    .map(s -> s.turns().stream().map(LocomoData.Turn::text).toList()).toList());
        }
        return users;
    }

    /** For each vector, its highest cosine with a vector after it; -1 for the last. */
    static List<Double> bestLaterSimilarity(List<float[]> vectors) {
        List<Double> best = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            double max = -1;
            for (int j = i + 1; j < vectors.size(); j++) {
                max = Math.max(max, cosine(vectors.get(i), vectors.get(j)));
            }
            best.add(max);
        }
        return best;
    }

    static long atOrAbove(List<Double> scores, double threshold) {
        return scores.stream().filter(s -> s >= threshold).count();
    }

    /** The lowest threshold (on a 0.005 grid) that selects no more than {@code wanted} of {@code scores}. */
    static double matching(List<Double> scores, long wanted) {
        double threshold = -1;
        while (threshold < 1 && atOrAbove(scores, threshold) > wanted) {
            threshold += STEP;
        }
        return threshold;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
