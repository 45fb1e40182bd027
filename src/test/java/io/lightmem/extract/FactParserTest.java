package io.lightmem.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lightmem.extract.FactParser.Fact;
import io.lightmem.llm.JsonAnswers.MalformedAnswerException;
import io.lightmem.memory.MemoryMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class FactParserTest {

    private static List<Fact> parse(String answer) throws MalformedAnswerException {
        return FactParser.parse(answer, false);
    }

    private static Fact fact(int sourceId, String text) {
        return new Fact(sourceId, text, MemoryMetadata.NONE);
    }

    @Test
    void parsesFactsInOrder() throws Exception {
        assertThat(parse("""
                {"data": [{"source_id": 2, "fact": " Alice moved to Lisbon. "}, {"source_id": 0, "fact": "Bob cooks."}]}"""))
                .containsExactly(fact(2, "Alice moved to Lisbon."), fact(0, "Bob cooks."));
    }

    @Test
    void anEmptyListMeansNothingToRemember() throws Exception {
        assertThat(parse("{\"data\": []}")).isEmpty();
    }

    @Test
    void toleratesAMarkdownCodeFenceAndExtraFields() throws Exception {
        assertThat(parse("```json\n{\"data\": [{\"source_id\": 1, \"fact\": \"x\", \"why\": \"y\"}]}\n```"))
                .containsExactly(fact(1, "x"));
    }

    @Test
    void rejectsAnythingElseSayingWhy() {
        assertMalformed("", "the answer is empty");
        assertMalformed("I found two facts.", "the answer is not JSON");
        assertMalformed("[1, 2]", "the answer is not a JSON object");
        assertMalformed("{\"facts\": []}", "\"data\" must be an array");
        assertMalformed("{\"data\": [{\"source_id\": 1.5, \"fact\": \"x\"}]}", "data[0].source_id must be an integer");
        assertMalformed("{\"data\": [{\"source_id\": \"1\", \"fact\": \"x\"}]}", "data[0].source_id must be an integer");
        assertMalformed("{\"data\": [{\"source_id\": 0, \"fact\": \"ok\"}, {\"source_id\": 1, \"fact\": \" \"}]}",
                "data[1].fact must be a non-empty string");
    }

    @Test
    void withMetadataEveryFactCarriesAKnownCategoryKeywordsAndEntities() throws Exception {
        assertThat(FactParser.parse("""
                {"data": [{"source_id": 0, "fact": "Alice moved to Lisbon.", "category": "Location",
                  "subcategory": "relocation", "keywords": ["moving", " lisbon "], "entities": ["Alice", "Lisbon"]}]}""",
                true)).containsExactly(new Fact(0, "Alice moved to Lisbon.",
                        new MemoryMetadata("location", "relocation", List.of("moving", "lisbon"), List.of("Alice", "Lisbon"))));
    }

    @Test
    void withMetadataMissingOrUnknownPartsAreMalformed() {
        assertThatThrownBy(() -> FactParser.parse("{\"data\": [{\"source_id\": 0, \"fact\": \"x\"}]}", true))
                .hasMessageStartingWith("data[0].category must be one of personal, preference");
        assertThatThrownBy(() -> FactParser.parse("""
                {"data": [{"source_id": 0, "fact": "x", "category": "hobbies", "keywords": [], "entities": []}]}""", true))
                .hasMessageStartingWith("data[0].category 'hobbies' is not one of");
        assertThatThrownBy(() -> FactParser.parse("""
                {"data": [{"source_id": 0, "fact": "x", "category": "work", "keywords": "job", "entities": []}]}""", true))
                .hasMessage("data[0].keywords must be an array of strings");
    }

    private static void assertMalformed(String answer, String problem) {
        assertThatThrownBy(() -> parse(answer)).isInstanceOf(MalformedAnswerException.class)
                .hasMessageStartingWith(problem);
    }
}
