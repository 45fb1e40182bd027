package io.lightmem.extract;

import com.fasterxml.jackson.databind.JsonNode;
import io.lightmem.llm.JsonAnswers;
import io.lightmem.llm.JsonAnswers.MalformedAnswerException;
import io.lightmem.memory.MemoryMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and validates the extraction answer {@code {"data": [{"source_id": int, "fact": text}]}},
 * with category, subcategory, keywords and entities on each element when metadata was asked for.
 */
final class FactParser {

    record Fact(int sourceId, String fact, MemoryMetadata metadata) {
    }

    private FactParser() {
    }

    static List<Fact> parse(String answer, boolean withMetadata) throws MalformedAnswerException {
        JsonNode root = JsonAnswers.object(answer);
        JsonNode data = root.get("data");
        if (data == null || !data.isArray()) {
            throw new MalformedAnswerException("\"data\" must be an array");
        }
        List<Fact> facts = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            JsonNode sourceId = item.get("source_id");
            JsonNode fact = item.get("fact");
            if (sourceId == null || !sourceId.canConvertToInt() || !sourceId.isIntegralNumber()) {
                throw new MalformedAnswerException("data[" + i + "].source_id must be an integer");
            }
            if (fact == null || !fact.isTextual() || fact.asText().isBlank()) {
                throw new MalformedAnswerException("data[" + i + "].fact must be a non-empty string");
            }
            facts.add(new Fact(sourceId.asInt(), fact.asText().strip(),
                    withMetadata ? metadata(item, "data[" + i + "]") : MemoryMetadata.NONE));
        }
        return facts;
    }

    private static MemoryMetadata metadata(JsonNode item, String path) throws MalformedAnswerException {
        JsonNode category = item.get("category");
        if (category == null || !category.isTextual()) {
            throw new MalformedAnswerException(path + ".category must be one of " + Category.names());
        }
        Category known = Category.parse(category.asText()).orElseThrow(() -> new MalformedAnswerException(
                path + ".category '" + category.asText() + "' is not one of " + Category.names()));
        JsonNode subcategory = item.get("subcategory");
        if (subcategory != null && !subcategory.isNull() && !subcategory.isTextual()) {
            throw new MalformedAnswerException(path + ".subcategory must be a string");
        }
        String sub = subcategory == null || subcategory.isNull() || subcategory.asText().isBlank() ? null
                : subcategory.asText().strip();
        return new MemoryMetadata(known.name(), sub, strings(item, "keywords", path), strings(item, "entities", path));
    }

    private static List<String> strings(JsonNode item, String field, String path) throws MalformedAnswerException {
        JsonNode array = item.get(field);
        if (array == null || !array.isArray()) {
            throw new MalformedAnswerException(path + "." + field + " must be an array of strings");
        }
        List<String> values = new ArrayList<>(array.size());
        for (JsonNode value : array) {
            if (!value.isTextual()) {
                throw new MalformedAnswerException(path + "." + field + " must be an array of strings");
            }
            if (!value.asText().isBlank()) {
                values.add(value.asText().strip());
            }
        }
        return values;
    }
}
