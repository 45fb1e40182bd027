package io.lightmem.extract;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The categories metadata generation sorts memories into; filters of Retrieve use these names. */
enum Category {
    personal, preference, relationship, activity, event, plan, work, education, health, location, possession, other;

    static Optional<Category> parse(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.name().equals(wanted)).findFirst();
    }

    static String names() {
        return String.join(", ", Arrays.stream(values()).map(Enum::name).toList());
    }
}
