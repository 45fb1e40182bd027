package io.lightmem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes a benchmark's results as target/bench/NAME.json and NAME.md. */
final class Report {

    private final Path directory;

    Report(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    /** Writes without printing: a checkpoint of a run still going, overwritten by the next. */
    void writeQuietly(String name, Map<String, Object> json, String markdown) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve(name + ".json").toFile(), json);
        Files.writeString(directory.resolve(name + ".md"), markdown);
    }

    void write(String name, Map<String, Object> json, String markdown) throws IOException {
        writeQuietly(name, json, markdown);
        System.out.println(markdown);
        System.out.println("wrote " + directory.resolve(name + ".json") + " and .md");
    }
}
