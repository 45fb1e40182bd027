package io.lightmem.extract;

import com.fasterxml.jackson.databind.JsonNode;
import io.lightmem.extract.JsonAnswers.MalformedAnswerException;
import java.util.ArrayList;
import java.util.List;

/** Parses and validates the extraction answer {@code {"data": [{"source_id": int, "fact": text}]}}. */
final class FactParser {

    record Fact(int sourceId, String fact) {
    }

    private FactParser() {
    }

    static List<Fact> parse(String answer) throws MalformedAnswerException {
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
            facts.add(new Fact(sourceId.asInt(), fact.asText().strip()));
        }
        return facts;
    }
}
