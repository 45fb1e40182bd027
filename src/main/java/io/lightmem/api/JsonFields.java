package io.lightmem.api;

import com.fasterxml.jackson.core.JsonPointer;

/** Request fields as errors name them: {@code messages[1].role} for the JSON pointer {@code /messages/1/role}. */
public final class JsonFields {

    private JsonFields() {
    }

    /** The field a pointer reaches; empty for the whole document. */
    public static String of(JsonPointer pointer) {
        StringBuilder field = new StringBuilder();
        for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
            field.append(p.mayMatchElement() ? "[" + p.getMatchingIndex() + "]"
                    : (field.isEmpty() ? "" : ".") + p.getMatchingProperty());
        }
        return field.toString();
    }
}
