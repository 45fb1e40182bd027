package io.lightmem.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code command --key=value ...}; every option has a default in the code that reads it. */
final class Args {

    private final String command;
    private final Map<String, String> options = new HashMap<>();

    Args(String[] args) {
        List<String> words = Arrays.stream(args).flatMap(a -> Arrays.stream(a.trim().split("\\s+")))
                .filter(a -> !a.isEmpty()).toList();
        this.command = words.isEmpty() || words.get(0).startsWith("--") ? "all" : words.get(0);
        for (String word : words) {
            if (word.startsWith("--")) {
                int eq = word.indexOf('=');
                options.put(eq < 0 ? word.substring(2) : word.substring(2, eq), eq < 0 ? "true" : word.substring(eq + 1));
            }
        }
    }

    String command() {
        return command;
    }

    String get(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    int getInt(String key, int fallback) {
        return Integer.parseInt(get(key, Integer.toString(fallback)));
    }

    List<String> list(String key, String fallback) {
        return Arrays.stream(get(key, fallback).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
