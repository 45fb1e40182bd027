package io.lightmem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One LongMemEval question with its haystack (/work/shared/data/README.md): sessions sorted by
 * timestamp (the data is sorted by day only), turns in order. A turn's id is
 * {@code sessionId#index}, index counted from 0 within its session.
 */
record LongMemEvalData(String questionId, String questionType, String question, String questionDate,
        Set<String> answerSessionIds, List<Session> sessions) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");

    record Session(String id, String date, List<Turn> turns) {
    }

    record Turn(String id, String role, String content, boolean hasAnswer) {

        /**
         * Whether the turn has anything to embed. Blank turns, and turns of invisible characters only
         * (one LongMemEval turn is a lone zero-width space, U+200B, which String.isBlank keeps), are left
         * out for the service and the baseline alike: LangChain4j's model refuses them ("Cannot embed
         * empty or whitespace-only text"), and they hold nothing a question can ask about.
         */
        boolean holdsText() {
            return content.codePoints().anyMatch(c -> !Character.isWhitespace(c) && !Character.isSpaceChar(c)
                    && Character.getType(c) != Character.FORMAT);
        }
    }

    /**
     * The text with control characters other than tab and line breaks as spaces, for the service and the
     * baseline alike: the service refuses them (INVALID_ARGUMENT naming the character; README, "HTTP
     * functions and CloudEvents"), and a few LongMemEval turns hold one (U+0090 in a pasted text).
     */
    static String withoutControls(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(c -> clean.appendCodePoint(
                Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n' && c != '\r' ? ' ' : c));
        return clean.toString();
    }

    /**
     * When the question is asked (its question_date, "2023/05/30 (Tue) 23:40"), its time without a zone
     * taken in {@code zone} as the service takes the session dates.
     */
    java.time.Instant askedAt(java.time.ZoneId zone) {
        return time(questionDate).atZone(zone).toInstant();
    }

    /** Abstention questions have no evidence and are excluded from recall. */
    boolean abstention() {
        return questionId.endsWith("_abs");
    }

    /** Turn-level gold: turns marked has_answer (a missing key means false). */
    Set<String> answerTurnIds() {
        Set<String> ids = new LinkedHashSet<>();
        sessions.forEach(s -> s.turns().stream().filter(Turn::hasAnswer).forEach(t -> ids.add(t.id())));
        return ids;
    }

    /** The session a turn id belongs to. */
    static String sessionOf(String turnId) {
        return turnId.substring(0, turnId.lastIndexOf('#'));
    }

    /** The question files of a directory, by name (so a --limit-questions prefix is reproducible). */
    static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    /**
     * A sample of {@code n} scoreable questions that covers the question types evenly: the types take
     * turns (in order of their first file), each giving its next question by file name. Abstention
     * questions are not sampled. The same files and n give the same sample.
     */
    static List<Path> sample(List<Path> files, int n) throws IOException {
        Map<String, Deque<Path>> byType = new LinkedHashMap<>();
        for (Path file : files) {
            JsonNode q = new ObjectMapper().readTree(file.toFile());
            if (!q.get("question_id").asText().endsWith("_abs")) {
                byType.computeIfAbsent(q.get("question_type").asText(), t -> new ArrayDeque<>()).add(file);
            }
        }
        return roundRobin(byType, n);
    }

    /** Takes one item of each group in turn until n are taken or every group is empty. */
    static <T> List<T> roundRobin(Map<String, Deque<T>> groups, int n) {
        List<T> taken = new ArrayList<>();
        while (taken.size() < n && groups.values().stream().anyMatch(g -> !g.isEmpty())) {
            for (Deque<T> group : groups.values()) {
                if (taken.size() < n && !group.isEmpty()) {
                    taken.add(group.poll());
                }
            }
        }
        return taken;
    }

    static LongMemEvalData read(Path file) throws IOException {
        return parse(new ObjectMapper().readTree(file.toFile()));
    }

    static LongMemEvalData parse(JsonNode q) {
        List<Session> sessions = new ArrayList<>();
        JsonNode ids = q.get("haystack_session_ids");
        for (int s = 0; s < ids.size(); s++) {
            String sessionId = ids.get(s).asText();
            List<Turn> turns = new ArrayList<>();
            JsonNode messages = q.get("haystack_sessions").get(s);
            for (int t = 0; t < messages.size(); t++) {
                JsonNode m = messages.get(t);
                turns.add(new Turn(sessionId + "#" + t, m.get("role").asText(), withoutControls(m.get("content").asText()),
                        m.path("has_answer").asBoolean(false)));
            }
            sessions.add(new Session(sessionId, q.get("haystack_dates").get(s).asText(), turns));
        }
        // List.sort is stable: sessions with the same timestamp keep their order in the file.
        sessions.sort(Comparator.comparing(s -> time(s.date())));
        Set<String> answers = new LinkedHashSet<>();
        q.get("answer_session_ids").forEach(a -> answers.add(a.asText()));
        return new LongMemEvalData(q.get("question_id").asText(), q.get("question_type").asText(),
                q.get("question").asText(), q.get("question_date").asText(), answers, sessions);
    }

    /** "2023/05/20 (Sat) 00:44": the weekday in parentheses is redundant. */
    static LocalDateTime time(String date) {
        return LocalDateTime.parse(date.replaceAll("\\s*\\([^)]*\\)\\s*", " ").trim(), TIME);
    }
}
