package io.lightmem.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A generator of JSON requests for property-based tests of the JSON surface: it starts from a valid
 * request of a function and breaks it in the ways clients and attackers do — values of the wrong
 * type, missing and unknown fields, strange strings (controls, NUL, invisible characters, unpaired
 * surrogates, huge ones), timestamps out of range, duplicate keys, trailing content, truncation,
 * bytes that are not UTF-8 or are overlong encodings. Deterministic for a seed, so a failure can be
 * replayed.
 */
public final class JsonMutations {

    /** One generated call: the function, the body's bytes, and what was done to it. */
    public record Call(String function, byte[] body, String how) {

        public String bodyPreview() {
            String text = new String(body, StandardCharsets.UTF_8);
            return text.length() > 300 ? text.substring(0, 300) + "…(" + text.length() + " chars)" : text;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Strings that stress a text field's checks. */
    private static final List<Supplier<String>> STRINGS = List.of(
            () -> "", () -> "   ", () -> "\t\n", () -> "a\u0000b", () -> "\u0000", () -> "x\u0001y", () -> "\u001b[31m",
            () -> "\u007f", () -> "\u200b\u200b", () -> "\u200b\u200c\u200d\u2060\ufeff", () -> "\u202eevil",
            () -> "\ud800", () -> "a\udc00b", () -> "😀 emoji", () -> "null", () -> "12", () -> "ROLE_USER", () -> "user",
            () -> "x".repeat(200_000), () -> "é".repeat(5000), () -> "../../etc/passwd", () -> "'; DROP TABLE x; --",
            () -> "alice", () -> "a b", () -> "0000-01-01T00:00:00", () -> "+999999999-12-31T23:59:59",
            () -> "-000001-01-01T00:00:00", () -> "2024-02-30T00:00:00", () -> "9999-12-31T23:59:59.999999999Z",
            () -> "10000-01-01T00:00:00", () -> "2024-01-15T10:30:00+25:00", () -> "2023/05/20 (Xyz) 00:44",
            () -> "2024-01-15T10:30:00", () -> UUID.randomUUID().toString());
    /** Other JSON values, as raw text: numbers of every edge, booleans, null, containers. */
    private static final List<String> VALUES = List.of("0", "-1", "1", "2147483647", "2147483648", "-2147483649",
            "9223372036854775807", "9223372036854775808", "1e309", "-1e309", "3.5", "-0.0", "1e-400", "true", "false",
            "null", "[]", "{}", "[1,2]", "{\"a\":1}", "[[[[[]]]]]", "\"\"", "9e15", "-9e15", "1.0");

    /** Values every field is tried with, one at a time, as raw JSON text. */
    private static final List<String> EDGES = List.of("\"a\\u0000b\"", "\"\\u0001\"", "\"\\u001b[31m\"",
            "\"\\u200b\\u200b\"", "\"\\ud800\"", "\"" + "x".repeat(200_000) + "\"", "\"\"", "\"   \"",
            "\"+999999999-12-31T23:59:59\"", "\"2024-02-30T00:00:00\"", "123", "2147483648", "1e309", "-1", "3.5",
            "true", "null", "{}", "[]");

    private final Random random;
    private final Map<String, Supplier<ObjectNode>> templates;

    public JsonMutations(Random random) {
        this.random = random;
        this.templates = Map.ofEntries(
                Map.entry("AddMemory", () -> object("user_id", user(), "messages",
                        array(message(), message()), "request_id", "req-" + random.nextInt(1000))),
                Map.entry("Retrieve", () -> object("user_id", user(), "query", "What does the user like?", "limit", 5,
                        "strategy", "hybrid", "filter", object("time_from", "2020-01-01T00:00:00", "time_to",
                                "2030-01-01T00:00:00", "speaker_name", "User", "category", "preference"))),
                Map.entry("GetMemory", () -> object("user_id", user(), "memory_id", UUID.randomUUID().toString())),
                Map.entry("ListMemories", () -> object("user_id", user(), "page_size", 10, "page_token", "")),
                Map.entry("DeleteMemories", () -> object("user_id", user(), "memory_ids",
                        array(UUID.randomUUID().toString()), "all", false)),
                Map.entry("Flush", () -> object("user_id", user())),
                Map.entry("ListHistory", () -> object("user_id", user(), "memory_id", "", "limit", 10)),
                Map.entry("UndoChange", () -> object("user_id", user(), "change_id", 1)),
                Map.entry("GetUsage", () -> object("user_id", user())),
                Map.entry("ConstructUpdateQueue", () -> object("user_id", user(), "top_k", 5, "keep_top_n", 3)),
                Map.entry("OfflineUpdate", () -> object("user_id", user(), "score_threshold", 0.8)),
                Map.entry("GetTimestamp", () -> object()),
                Map.entry("ShowInstance", () -> object()));
    }

    /**
     * Every function's valid request with one field (at any depth, containers included) replaced by
     * each of the edge values in turn.
     */
    public List<Call> edgeCases() {
        List<Call> calls = new ArrayList<>();
        for (String function : functions()) {
            ObjectNode template = templates.get(function).get();
            List<String> places = new ArrayList<>();
            places(template, "", places);
            for (String place : places) {
                for (String edge : EDGES) {
                    ObjectNode request = templates.get(function).get();
                    String marker = "@@edge@@";
                    set(request, place, NODES.textNode(marker));
                    String text = request.toString().replace("\"" + marker + "\"", edge);
                    calls.add(new Call(function, text.getBytes(StandardCharsets.UTF_8), place + " = "
                            + (edge.length() > 40 ? edge.substring(0, 40) + "…" : edge)));
                }
            }
        }
        return calls;
    }

    private List<String> functions() {
        List<String> functions = new ArrayList<>(templates.keySet());
        functions.sort(null);
        return functions;
    }

    /** JSON pointers of every value below the root. */
    private static void places(JsonNode node, String at, List<String> places) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                places.add(at + "/" + name);
                places(node.get(name), at + "/" + name, places);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                places.add(at + "/" + i);
                places(node.get(i), at + "/" + i, places);
            }
        }
    }

    private static void set(ObjectNode root, String pointer, JsonNode value) {
        com.fasterxml.jackson.core.JsonPointer at = com.fasterxml.jackson.core.JsonPointer.compile(pointer);
        JsonNode parent = root.at(at.head());
        String last = at.last().getMatchingProperty();
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    /** A call to a random function, its valid request broken by one to three mutations (or none, now and then). */
    public Call next() {
        List<String> functions = functions();
        String function = functions.get(random.nextInt(functions.size()));
        ObjectNode request = templates.get(function).get();
        StringBuilder how = new StringBuilder();
        int mutations = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            mutateTree(request, how);
        }
        String text;
        try {
            text = JSON.writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        for (String raw : List.copyOf(rawNumbers)) {
            text = text.replace(quoted(raw), raw); // values kept as raw JSON text (big numbers etc.)
        }
        rawNumbers.clear();
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(4) == 0) {
            body = mutateBytes(text, how);
        }
        return new Call(function, body, how.length() == 0 ? "valid" : how.toString());
    }

    /** Numbers chosen for this call, written as their raw JSON text (not representable as Java numbers). */
    private final List<String> rawNumbers = new ArrayList<>();

    private void mutateTree(ObjectNode request, StringBuilder how) {
        List<JsonNode> containers = new ArrayList<>();
        collect(request, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            int what = random.nextInt(5);
            if (names.isEmpty() || what == 0) {
                String name = random.nextBoolean() ? "unexpected_" + random.nextInt(100) : pick(List.of("user_id",
                        "messages", "content", "time_stamp", "role", "speaker_name", "speaker_id", "query", "limit",
                        "filter", "strategy", "memory_ids", "all"));
                object.set(name, randomValue());
                how.append("set ").append(name).append("; ");
            } else if (what == 1) {
                String name = pick(names);
                object.remove(name);
                how.append("removed ").append(name).append("; ");
            } else {
                String name = pick(names);
                object.set(name, randomValue());
                how.append("changed ").append(name).append("; ");
            }
        } else if (container instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextBoolean()) {
                array.add(random.nextBoolean() ? message() : randomValue());
                how.append("appended to an array; ");
            } else {
                array.set(random.nextInt(array.size()), randomValue());
                how.append("changed an array element; ");
            }
        }
    }

    private byte[] mutateBytes(String text, StringBuilder how) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        switch (random.nextInt(7)) {
            case 0 -> { // a duplicate key, first in the object
                how.append("duplicate key; ");
                return ("{\"user_id\":\"alice\"," + text.substring(1)).getBytes(StandardCharsets.UTF_8);
            }
            case 1 -> {
                String tail = pick(List.of("}", "x", " {}", "\u0000", "[", "//c", " 1"));
                how.append("trailing '").append(tail.replace("\u0000", "\\u0000")).append("'; ");
                return (text + tail).getBytes(StandardCharsets.UTF_8);
            }
            case 2 -> {
                how.append("truncated; ");
                return java.util.Arrays.copyOf(bytes, random.nextInt(Math.max(1, bytes.length)));
            }
            case 3 -> {
                how.append("not an object; ");
                return pick(List.of("[]", "null", "1", "\"s\"", "", " ")).getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                // Invalid or overlong UTF-8 inside the first string value: C1 A1 is an overlong 'a'.
                int quote = text.indexOf("\":\"");
                if (quote < 0) {
                    how.append("not an object; ");
                    return "{".getBytes(StandardCharsets.UTF_8);
                }
                byte[][] bad = {{(byte) 0xC1, (byte) 0xA1}, {(byte) 0x80}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0,
                        (byte) 0x80}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80,
                                (byte) 0x80, (byte) 0x80}};
                byte[] inserted = bad[random.nextInt(bad.length)];
                int at = text.substring(0, quote + 3).getBytes(StandardCharsets.UTF_8).length;
                out.write(bytes, 0, at);
                out.writeBytes(inserted);
                out.write(bytes, at, bytes.length - at);
                how.append("invalid UTF-8 ").append(hex(inserted)).append("; ");
                return out.toByteArray();
            }
        }
    }

    private JsonNode randomValue() {
        if (random.nextBoolean()) {
            return NODES.textNode(pick(STRINGS).get());
        }
        String raw = pick(VALUES);
        if (raw.matches("-?[0-9.eE+-]+")) {
            rawNumbers.add(raw);
            return NODES.textNode(raw); // replaced by the raw number text when serialized
        }
        try {
            return JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode message() {
        return object("role", pick(List.of("user", "assistant", "ROLE_USER")), "content", "I like green tea.",
                "time_stamp", "2024-01-15T10:30:00", "speaker_name", "Caroline");
    }

    private String user() {
        return random.nextInt(8) == 0 ? pick(List.of("", "bad user!", "ålice", "x".repeat(129)))
                : "fuzz-" + UUID.randomUUID();
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.forEach(child -> collect(child, containers));
        }
    }

    private static ObjectNode object(Object... pairs) {
        ObjectNode object = NODES.objectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            object.set((String) pairs[i], JSON.valueToTree(pairs[i + 1]));
        }
        return object;
    }

    private static ArrayNode array(Object... values) {
        ArrayNode array = NODES.arrayNode();
        for (Object value : values) {
            array.add(JSON.<JsonNode>valueToTree(value));
        }
        return array;
    }

    private static String quoted(String raw) {
        return "\"" + raw + "\"";
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02X ", b));
        }
        return hex.toString().trim();
    }
}
