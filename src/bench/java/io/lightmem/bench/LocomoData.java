package io.lightmem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A LoCoMo-format file (see ../shared/data/README.md), read into what the recall benchmark needs. */
record LocomoData(List<Conversation> conversations, int malformedEvidence, int missingEvidence) {

    record Turn(String diaId, String speaker, String text) {
    }

    record Session(int index, String isoTime, List<Turn> turns) {
    }

    record Observation(int session, String speaker, String fact, List<String> diaIds) {
    }

    record Qa(String question, int category, Set<String> evidence) {
    }

    /** @param speakerA LoCoMo's first speaker (the benchmarks' "user") */
    record Conversation(String sampleId, String speakerA, List<Session> sessions, List<Observation> observations,
            List<Qa> qa) {
        int turnCount() {
            return sessions.stream().mapToInt(s -> s.turns().size()).sum();
        }
    }

    private static final Pattern SESSION = Pattern.compile("session_(\\d+)");
    private static final Pattern OBSERVATION = Pattern.compile("session_(\\d+)_observation");
    /** Also accepts the malformed "D:11:26" and zero-padded "D30:05" forms. */
    private static final Pattern DIA_ID = Pattern.compile("D:?(\\d+):(\\d+)");
    private static final DateTimeFormatter SESSION_TIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("h:mm a 'on' d MMMM, yyyy").toFormatter(Locale.ENGLISH);

    static LocomoData read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Conversation> conversations = new ArrayList<>();
        int[] malformed = {0};
        int[] missing = {0};
        for (JsonNode sample : root) {
            JsonNode conversation = sample.get("conversation");
            List<Session> sessions = new ArrayList<>();
            Set<String> known = new LinkedHashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = conversation.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                Matcher m = SESSION.matcher(field.getKey());
                if (!m.matches() || !field.getValue().isArray()) {
                    continue; // only session_N keys holding a list are sessions
                }
                int index = Integer.parseInt(m.group(1));
                String time = LocalDateTime.parse(conversation.get(field.getKey() + "_date_time").asText().trim(),
                        SESSION_TIME).toString();
                List<Turn> turns = new ArrayList<>();
                for (JsonNode turn : field.getValue()) {
                    String text = turn.get("text").asText();
                    if (turn.hasNonNull("blip_caption")) {
                        text = text + " [image: " + turn.get("blip_caption").asText() + "]";
                    }
                    String diaId = normalize(turn.get("dia_id").asText());
                    known.add(diaId);
                    turns.add(new Turn(diaId, turn.get("speaker").asText(), text));
                }
                sessions.add(new Session(index, time, turns));
            }
            sessions.sort((a, b) -> Integer.compare(a.index(), b.index()));
            List<Observation> observations = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = sample.path("observation").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                Matcher m = OBSERVATION.matcher(field.getKey());
                if (!m.matches()) {
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> speakers = field.getValue().fields(); speakers.hasNext();) {
                    Map.Entry<String, JsonNode> speaker = speakers.next();
                    for (JsonNode fact : speaker.getValue()) {
                        List<String> ids = new ArrayList<>(evidence(fact.get(1), known, new int[1], new int[1]));
                        observations.add(new Observation(Integer.parseInt(m.group(1)), speaker.getKey(),
                                fact.get(0).asText(), ids));
                    }
                }
            }
            List<Qa> qa = new ArrayList<>();
            for (JsonNode q : sample.get("qa")) {
                qa.add(new Qa(q.get("question").asText(), q.get("category").asInt(),
                        evidence(q.path("evidence"), known, malformed, missing)));
            }
            conversations.add(new Conversation(sample.get("sample_id").asText(), conversation.get("speaker_a").asText(),
                    sessions, observations, qa));
        }
        return new LocomoData(conversations, malformed[0], missing[0]);
    }

    /** Evidence ids: strings may pack several ids ("D8:6; D9:17"); malformed or unknown ids are counted and skipped. */
    static Set<String> evidence(JsonNode node, Set<String> known, int[] malformed, int[] missing) {
        List<String> raw = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> raw.add(n.asText()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            raw.add(node.asText());
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String packed : raw) {
            for (String token : packed.split("[;,\\s]+")) {
                if (token.isEmpty()) {
                    continue;
                }
                List<String> expanded = expand(token);
                if (expanded.isEmpty()) {
                    malformed[0]++;
                }
                for (String id : expanded) {
                    if (!known.contains(id)) {
                        missing[0]++;
                    } else {
                        ids.add(id);
                    }
                }
            }
        }
        return ids;
    }

    /** "D12:3-D12:5" or "D12:3-5": a range of turns of one session. */
    private static final Pattern RANGE = Pattern.compile("D:?(\\d+):(\\d+)-(?:D:?(\\d+):)?(\\d+)");

    /**
     * The dialogue ids one evidence token stands for: itself (normalized), every turn of a range
     * within one session (REALTALK writes "D12:3-D12:5"), none when malformed. A trailing "." (REALTALK's
     * "D13:4.") is dropped.
     */
    static List<String> expand(String token) {
        String t = token.trim().replaceAll("\\.+$", "");
        Matcher range = RANGE.matcher(t);
        if (range.matches() && (range.group(3) == null || range.group(3).equals(range.group(1)))) {
            int session = Integer.parseInt(range.group(1));
            int from = Integer.parseInt(range.group(2));
            int to = Integer.parseInt(range.group(4));
            List<String> ids = new ArrayList<>();
            for (int turn = from; turn <= to && to - from < 100; turn++) {
                ids.add("D" + session + ":" + turn);
            }
            return ids;
        }
        String id = normalize(t);
        return id == null ? List.of() : List.of(id);
    }

    /** "D30:05" → "D30:5", "D:11:26" → "D11:26"; null when not a dialogue id. */
    static String normalize(String token) {
        Matcher m = DIA_ID.matcher(token.trim());
        return m.matches() ? "D" + Integer.parseInt(m.group(1)) + ":" + Integer.parseInt(m.group(2)) : null;
    }
}
