package io.lightmem.extract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Prompt texts, kept as versioned resources under {@code prompts/} so a change to one is a new file. */
public final class Prompts {

    static final String EXTRACT_SYSTEM = "prompts/extract-facts.v1.system.txt";
    static final String EXTRACT_USER = "prompts/extract-facts.v1.user.txt";
    static final String EXTRACT_METADATA = "prompts/extract-metadata.v1.txt";
    static final String JSON_RETRY = "prompts/json-retry.v1.txt";

    private Prompts() {
    }

    public static String load(String resource) {
        try (InputStream in = Prompts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("prompt resource " + resource + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces each {@code {{name}}} with its value. */
    public static String fill(String template, Map<String, String> values) {
        String text = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("{{" + value.getKey() + "}}", value.getValue());
        }
        return text;
    }
}
