package io.lightmem.bench;

import io.lightmem.bench.LongMemEvalData.Session;
import io.lightmem.bench.LongMemEvalData.Turn;
import io.lightmem.bench.RecallMetrics.Hit;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.Message;
import io.lightmem.v1.RetrieveResponse;
import io.lightmem.v1.RetrievedMemory;
import io.lightmem.v1.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * LongMemEval_S recall through the running service: each question's haystack (~48 sessions) goes into
 * its own user scope via AddMemory, one request per session in timestamp order, every message with
 * its role (the service's messages-use decides which roles become memories; `none` memory manager:
 * one memory per message). Then the question is retrieved with each strategy, top 50, and scored at
 * session level (recall_any/all@k, gold = answer_session_ids) and turn level (recall@k = fraction
 * of the has_answer turns retrieved). Abstention questions (`_abs`) have no evidence: skipped, counted.
 */
final class LongMemEvalBench {

    private static final int MAX_K = 50;

    private final ServiceClient service;
    private final Tokens tokens;
    private final String runId;
    private final boolean sweep;
    private final Lc4jBaseline baseline;
    static final String BASELINE = "lc4j-pgvector-baseline";
    /** Its evidence is an assistant turn: turn recall 0 by construction when only user turns are stored. */
    static final String ASSISTANT_TYPE = "single-session-assistant";

    LongMemEvalBench(ServiceClient service, Tokens tokens, String runId, boolean sweep, Lc4jBaseline baseline) {
        this.service = service;
        this.tokens = tokens;
        this.runId = runId;
        this.sweep = sweep;
        this.baseline = baseline;
    }

    /**
     * One AddMemory request per session and, per message sent, the turn id it stands for. Turns without
     * text (a few in the data, see {@link Turn#holdsText}) are left out: they hold nothing.
     */
    record Ingest(AddMemoryRequest request, List<List<String>> turnIds) {
    }

    static List<Ingest> requests(String userId, LongMemEvalData q) {
        List<Ingest> out = new ArrayList<>();
        for (Session s : q.sessions()) {
            AddMemoryRequest.Builder request = AddMemoryRequest.newBuilder().setUserId(userId);
            List<List<String>> ids = new ArrayList<>();
            for (Turn t : s.turns()) {
                if (!t.holdsText()) {
                    continue;
                }
                request.addMessages(Message.newBuilder()
                        .setRole(t.role().equals("assistant") ? Role.ROLE_ASSISTANT : Role.ROLE_USER)
                        .setContent(t.content()).setTimeStamp(s.date()).build());
                ids.add(List.of(t.id()));
            }
            if (!ids.isEmpty()) {
                out.add(new Ingest(request.build(), ids));
            }
        }
        return out;
    }

    /** Scores one question's ranked results at session and turn level. */
    static void score(LongMemEvalData q, List<Hit> turnHits, RecallMetrics sessions, RecallMetrics turns) {
        List<Hit> sessionHits = turnHits.stream().map(h -> new Hit(
                h.turnIds().stream().map(LongMemEvalData::sessionOf).collect(Collectors.toSet()), h.tokens(), h.textTokens()))
                .toList();
        sessions.add(q.questionType(), q.answerSessionIds(), sessionHits);
        Set<String> gold = q.answerTurnIds();
        if (!gold.isEmpty()) {
            turns.add(q.questionType(), gold, turnHits);
        }
    }

    /** Receives the results so far after every question, so a run stopped for time still reports. */
    interface Checkpoint {
        void write(Map<String, Object> json, String markdown) throws IOException;
    }

    /** What a run has done so far. */
    private static final class Progress {
        final Map<String, RecallMetrics> sessionLevel = new LinkedHashMap<>();
        final Map<String, RecallMetrics> turnLevel = new LinkedHashMap<>();
        int abstentions;
        int scored;
        int messages;
        int withoutGoldTurns;
        double ingestSeconds;
    }

    /**
     * @param limit questions to score at most, in file-name order
     * @param sample 0 for every question, else that many, spread over the question types
     *        ({@link LongMemEvalData#sample})
     */
    Map<String, Object> run(Path directory, int limit, int sample, List<String> strategies, StringBuilder md,
            Checkpoint checkpoint) throws Exception {
        Progress progress = new Progress();
        List<String> rows = new ArrayList<>(strategies);
        if (baseline != null) {
            rows.add(BASELINE);
        }
        rows.forEach(s -> {
            progress.sessionLevel.put(s, new RecallMetrics());
            progress.turnLevel.put(s, new RecallMetrics());
        });
        String messagesUse = service.config().getOrDefault("lightmem.messages-use", "user_only");
        java.time.ZoneId zone = java.time.ZoneId.of(service.config().getOrDefault("lightmem.default-time-zone", "UTC"));
        FusionSweep fusion = new FusionSweep(2);
        List<Path> all = LongMemEvalData.files(directory);
        List<Path> files = sample > 0 ? LongMemEvalData.sample(all, sample) : all;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("directory", directory.toString());
        json.put("question_files", all.size());
        json.put("limit_questions", limit == Integer.MAX_VALUE ? null : limit);
        json.put("sample_questions", sample > 0 ? sample : null);
        json.put("questions", files.stream().map(f -> f.getFileName().toString()).toList());
        json.put("messages_use", messagesUse);
        json.put("service_config", service.config());
        for (Path file : files) {
            if (progress.scored >= limit) {
                break;
            }
            LongMemEvalData q = LongMemEvalData.read(file);
            if (q.abstention()) {
                progress.abstentions++;
                continue;
            }
            String userId = "bench-longmemeval-" + runId + "-" + q.questionId();
            Provenance provenance = new Provenance();
            long started = System.nanoTime();
            for (Ingest ingest : requests(userId, q)) {
                provenance.record(service.add(ingest.request()), ingest.turnIds());
                progress.messages += ingest.turnIds().size();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            progress.ingestSeconds += seconds;
            progress.withoutGoldTurns += q.answerTurnIds().isEmpty() ? 1 : 0;
            for (String strategy : strategies) {
                // Asked at its question_date: relative times in it ("two weeks ago") are read against it.
                RetrieveResponse found = service.retrieve(userId, q.question(), MAX_K, ServiceClient.strategy(strategy), 0,
                        q.askedAt(zone));
                List<Hit> hits = new ArrayList<>();
                for (RetrievedMemory m : found.getMemoriesList()) {
                    hits.add(tokens.hit(provenance.turns(m), m));
                }
                score(q, hits, progress.sessionLevel.get(strategy), progress.turnLevel.get(strategy));
            }
            if (baseline != null) {
                score(q, baselineHits(q, messagesUse), progress.sessionLevel.get(BASELINE),
                        progress.turnLevel.get(BASELINE));
            }
            if (sweep) {
                fusion.add(service, userId, q.question(), q.askedAt(zone),
                        m -> tokens.hit(provenance.turns(m), m),
                        (fused, metrics) -> score(q, fused, metrics.get(0), metrics.get(1)));
            }
            progress.scored++;
            System.out.printf("%d %s (%s): %d sessions ingested in %.1f s%n", progress.scored, q.questionId(),
                    q.questionType(), q.sessions().size(), seconds);
            StringBuilder sofar = new StringBuilder();
            checkpoint.write(summary(json, progress, rows, sofar), sofar.toString());
        }
        summary(json, progress, rows, md);
        if (sweep) {
            Map<FusionSweep.Variant, List<RecallMetrics>> variants = fusion.run();
            Map<String, Object> out = new LinkedHashMap<>();
            variants.forEach((v, m) -> out.put(v.name(), Map.of("session", m.get(0).toMap().get(RecallMetrics.ALL),
                    "turn", m.get(1).toMap().get(RecallMetrics.ALL))));
            json.put("fusion_sweep", out);
            sweepMarkdown(variants, md);
        }
        return json;
    }

    /** Puts the counts and recall so far into {@code json} and their tables into {@code md}. */
    private static Map<String, Object> summary(Map<String, Object> json, Progress progress, List<String> rows,
            StringBuilder md) {
        json.put("questions_scored", progress.scored);
        json.put("abstention_questions_skipped", progress.abstentions);
        json.put("questions_without_has_answer_turns", progress.withoutGoldTurns);
        json.put("ingest", Map.of("messages_sent", progress.messages,
                "seconds", RecallMetrics.round(progress.ingestSeconds),
                "messages_per_second", RecallMetrics.round(progress.messages / Math.max(progress.ingestSeconds, 1e-9))));
        Map<String, Object> recall = new LinkedHashMap<>();
        for (String s : rows) {
            recall.put(s, Map.of("session", progress.sessionLevel.get(s).toMap(), "turn",
                    progress.turnLevel.get(s).toMap(), "turn_without_assistant_type",
                    withoutAssistantType(progress.turnLevel.get(s))));
        }
        json.put("recall", recall);
        markdown(progress.sessionLevel, progress.turnLevel, progress.scored, progress.abstentions, md);
        return json;
    }

    /** Turn recall@k without the {@value #ASSISTANT_TYPE} questions, which score 0 by construction under user_only. */
    static Map<String, Object> withoutAssistantType(RecallMetrics turns) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("excluded", ASSISTANT_TYPE);
        out.put("questions", turns.countWithout(ASSISTANT_TYPE));
        for (int k : RecallMetrics.KS) {
            out.put("recall@" + k, RecallMetrics.round(turns.recallWithout(ASSISTANT_TYPE, k)));
        }
        return out;
    }

    /**
     * The naive baseline on one question's haystack: the turns the service stores under
     * {@code messagesUse} (user turns, or all), embedded by LangChain4j, exact search.
     */
    private List<Hit> baselineHits(LongMemEvalData q, String messagesUse) {
        List<String> texts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Session s : q.sessions()) {
            for (Turn t : s.turns()) {
                boolean stored = switch (messagesUse) {
                    case "hybrid" -> true;
                    case "assistant_only" -> t.role().equals("assistant");
                    default -> !t.role().equals("assistant");
                };
                if (stored && t.holdsText()) {
                    texts.add(t.content());
                    ids.add(t.id());
                }
            }
        }
        baseline.add(q.questionId(), texts, ids);
        List<Hit> hits = new ArrayList<>();
        for (var match : baseline.search(q.questionId(), q.question(), MAX_K)) {
            hits.add(new Hit(Set.of(match.embedded().metadata().getString("dia_id")),
                    tokens.count(match.embedded().text())));
        }
        return hits;
    }

    private static void sweepMarkdown(Map<FusionSweep.Variant, List<RecallMetrics>> variants, StringBuilder md) {
        String all = RecallMetrics.ALL;
        md.append("### Fusion sweep (weighted RRF variants): session any@5, turn r@5 / r@10 / r@20\n\n");
        md.append("| variant | session any@5 | turn r@5 | turn r@10 | turn r@20 |\n|---|---|---|---|---|\n");
        variants.forEach((v, m) -> md.append(String.format("| %s | %.3f | %.3f | %.3f | %.3f |%n", v.name(),
                m.get(0).recallAny(all, 5), m.get(1).recall(all, 5), m.get(1).recall(all, 10),
                m.get(1).recall(all, 20))));
        md.append('\n');
    }

    private static void markdown(Map<String, RecallMetrics> sessions, Map<String, RecallMetrics> turns, int scored,
            int abstentions, StringBuilder md) {
        String all = RecallMetrics.ALL;
        md.append(String.format("### LongMemEval-S recall (%d questions, %d abstention skipped)%n%n", scored, abstentions));
        md.append("Session level (gold = answer_session_ids):\n\n");
        md.append("| strategy | questions | any@1 | any@3 | any@5 | any@10 | any@20 | any@50 | all@5 | all@10 | all@20 | all@50 | tokens@5 | tokens@10 | tokens@20 | tokens@50 |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        sessions.forEach((name, m) -> md.append(String.format(
                "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f | %.0f | %.0f | %.0f |%n",
                name, m.count(all), m.recallAny(all, 1), m.recallAny(all, 3), m.recallAny(all, 5), m.recallAny(all, 10),
                m.recallAny(all, 20), m.recallAny(all, 50), m.recallAll(all, 5), m.recallAll(all, 10),
                m.recallAll(all, 20), m.recallAll(all, 50), m.meanTokens(all, 5), m.meanTokens(all, 10),
                m.meanTokens(all, 20), m.meanTokens(all, 50))));
        md.append("\nTurn level (gold = has_answer turns; recall = fraction retrieved):\n\n");
        md.append("| strategy | questions | r@1 | r@3 | r@5 | r@10 | r@20 | r@50 |\n|---|---|---|---|---|---|---|---|\n");
        turns.forEach((name, m) -> md.append(String.format("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                name, m.count(all), m.recall(all, 1), m.recall(all, 3), m.recall(all, 5), m.recall(all, 10),
                m.recall(all, 20), m.recall(all, 50))));
        md.append(String.format("%nWithout the %s questions (turn recall 0 by construction when only user turns are stored):%n%n",
                ASSISTANT_TYPE));
        md.append("| strategy | questions | r@1 | r@3 | r@5 | r@10 | r@20 | r@50 |\n|---|---|---|---|---|---|---|---|\n");
        turns.forEach((name, m) -> md.append(String.format("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                name, m.countWithout(ASSISTANT_TYPE), m.recallWithout(ASSISTANT_TYPE, 1),
                m.recallWithout(ASSISTANT_TYPE, 3), m.recallWithout(ASSISTANT_TYPE, 5),
                m.recallWithout(ASSISTANT_TYPE, 10), m.recallWithout(ASSISTANT_TYPE, 20),
                m.recallWithout(ASSISTANT_TYPE, 50))));
        md.append("\nPer question type: session any@5 / any@20, turn r@5 / r@20:\n\n");
        md.append("| strategy | type | questions | session any@5 | session any@20 | turn r@5 | turn r@20 |\n|---|---|---|---|---|---|---|\n");
        sessions.forEach((name, m) -> m.groups().stream().filter(g -> !g.equals(all)).forEach(g -> {
            RecallMetrics t = turns.get(name);
            boolean hasTurns = t.count(g) > 0;
            md.append(String.format("| %s | %s | %d | %.3f | %.3f | %s | %s |%n", name, g, m.count(g),
                    m.recallAny(g, 5), m.recallAny(g, 20), hasTurns ? String.format("%.3f", t.recall(g, 5)) : "–",
                    hasTurns ? String.format("%.3f", t.recall(g, 20)) : "–"));
        }));
        md.append('\n');
    }
}
